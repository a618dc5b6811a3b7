"""The hashing embedder: deterministic unit vectors that find records by their words, and nothing semantic."""

from __future__ import annotations

import numpy as np
import pytest

from agentic_synth import AgenticSynth
from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder, record_text
from agentic_synth.domain.errors import UsageError


def _cos(embedder: HashingEmbedder, a: str, b: str) -> float:
    va, vb = embedder.embed_array([a, b])
    return float(va @ vb)


def test_the_same_text_gives_the_same_unit_vector_in_any_instance_and_batch() -> None:
    texts = ["Alice Smith, Springfield", "engineer 42", "", "alice smith springfield"]
    first = HashingEmbedder().embed_array(texts)
    alone = np.vstack([HashingEmbedder().embed_array([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(first, alone)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)
    assert first.shape == (4, 512) and first.dtype == np.float32
    assert _cos(HashingEmbedder(), texts[0], texts[3]) == pytest.approx(1.0, abs=1e-6)  # case and punctuation


def test_embed_returns_plain_lists_of_the_configured_size() -> None:
    vectors = HashingEmbedder(dimensions=64).embed(["one", "two words"])
    assert [len(v) for v in vectors] == [64, 64] and all(isinstance(x, float) for x in vectors[0])


def test_a_records_own_words_find_it_first_among_a_thousand_generated_records() -> None:
    rows = AgenticSynth(config={}).generate(
        "structured", schema={"name": "name", "email": "email", "city": "city", "job": "job"},
        count=1000, seed=11).records
    embedder = HashingEmbedder()
    matrix = embedder.embed_records(rows)
    texts = [record_text(r) for r in rows]
    probes = range(0, 1000, 10)
    queries = embedder.embed_array([texts[i] for i in probes])
    best = np.argmax(queries @ matrix.T, axis=1)
    hits = sum(texts[b] == texts[i] for b, i in zip(best, probes, strict=True))
    assert hits >= 99  # documented: a record's own text finds it first (>= 99%)


def test_spellings_are_near_and_meanings_are_not() -> None:
    embedder = HashingEmbedder()
    assert _cos(embedder, "jonathan", "jonathon") > 0.35  # 5 of 8 trigrams shared
    assert _cos(embedder, "cars", "car") > 0.2
    assert _cos(embedder, "car", "automobile") < _cos(embedder, "car", "cars")
    assert abs(_cos(embedder, "car", "automobile")) < 0.2  # unrelated, up to hash collisions


def test_record_text_is_the_values_in_field_order_without_field_names() -> None:
    assert record_text({"name": "Ann", "age": 31, "ok": True, "tags": ["a", "b"], "none": None}) == \
        'Ann 31 True ["a","b"]'


@pytest.mark.parametrize("bad", [8, 0, 9000, True, 256.0])
def test_a_dimension_outside_16_to_8192_is_refused(bad: object) -> None:
    with pytest.raises(UsageError, match=r"dimensions must be a whole number in 16\.\.8192"):
        HashingEmbedder(dimensions=bad)  # type: ignore[arg-type]
