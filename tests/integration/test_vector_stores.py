"""The SQLite, ruvector HNSW and ruvector RVF stores for real: commit, rollback, persistence, search, embedder guard."""

from __future__ import annotations

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder, record_text
from agentic_synth.adapters.integrations.ruvector import RuvectorVectorStore
from agentic_synth.adapters.integrations.ruvector_rvf import RvfVectorStore
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore
from agentic_synth.domain.errors import UsageError

STORES = {"local": SqliteVectorStore, "ruvector": RuvectorVectorStore, "rvf": RvfVectorStore}
SCHEMA = {"name": "name", "email": "email", "city": "city", "job": "job"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return AgenticSynth(config={}).generate("structured", schema=SCHEMA, count=600, seed=21).records


@pytest.mark.parametrize("kind", STORES)
def test_committed_records_are_found_by_their_own_words_after_reopening(kind, tmp_path, rows) -> None:
    store = STORES[kind](tmp_path / "v.db", HashingEmbedder())
    store.store(rows[:300], {"seed": 21})
    store.store(rows[300:], {"seed": 21})
    store.commit()
    reopened = STORES[kind](tmp_path / "v.db", HashingEmbedder())
    assert reopened.count() == 600
    found = 0
    for row in rows[::20]:
        hits = reopened.search(record_text(row), limit=3)
        assert len(hits) == 3 and hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
        found += record_text(hits[0]["record"]) == record_text(row)
        assert hits[0]["metadata"] == {"seed": 21}
    assert found >= 29  # of 30: exact search always, HNSW nearly always


@pytest.mark.parametrize("kind", STORES)
def test_rolled_back_records_never_appear_and_later_commits_append(kind, tmp_path, rows) -> None:
    store = STORES[kind](tmp_path / "v.db", HashingEmbedder())
    store.store(rows[:10])
    store.rollback()
    store.commit()
    assert store.count() == 0
    store.store(rows[:10])
    store.commit()
    store.store(rows[10:25])
    store.commit()
    assert STORES[kind](tmp_path / "v.db", HashingEmbedder()).count() == 25


@pytest.mark.parametrize("kind", STORES)
def test_a_store_refuses_vectors_of_another_embedder(kind, tmp_path, rows) -> None:
    store = STORES[kind](tmp_path / "v.db", HashingEmbedder())
    store.store(rows[:5])
    store.commit()
    other = STORES[kind](tmp_path / "v.db", HashingEmbedder(dimensions=128))
    with pytest.raises(UsageError, match=r"holds vectors of embedder hashing-v1-512 \(512 dimensions\), not "
                                         r"hashing-v1-128 \(128\)"):
        other.count()


@pytest.mark.parametrize("kind", STORES)
def test_searching_a_missing_store_or_with_a_bad_limit_is_a_usage_error(kind, tmp_path) -> None:
    store = STORES[kind](tmp_path / "none.db", HashingEmbedder())
    with pytest.raises(UsageError, match="does not exist"):
        store.search("x")
    with pytest.raises(UsageError, match="limit must be a whole number >= 1"):
        store.search("x", limit=0)


def test_the_local_store_refuses_a_file_that_is_not_sqlite(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(UsageError, match="is not a local vector store"):
        SqliteVectorStore(path, HashingEmbedder()).search("hello")


def test_the_local_search_is_exact_across_scan_blocks(tmp_path, monkeypatch, rows) -> None:
    import agentic_synth.adapters.integrations.sqlite_vectors as module

    monkeypatch.setattr(module, "_SCAN_ROWS", 7)  # many blocks: the running top-k must equal a one-shot ranking
    store = SqliteVectorStore(tmp_path / "v.db", HashingEmbedder())
    store.store(rows)
    store.commit()
    embedder = HashingEmbedder()
    query = "Engineer Springfield"
    expected = sorted(((float(v @ embedder.embed_array([query])[0]), record_text(r))
                       for r, v in zip(rows, embedder.embed_records(rows), strict=True)), reverse=True)[:8]
    got = [(h["score"], record_text(h["record"])) for h in store.search(query, limit=8)]
    assert [round(s, 5) for s, _ in got] == [round(s, 5) for s, _ in expected]
