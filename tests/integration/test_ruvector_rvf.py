"""ruvector for real: the RVF store (vectors on disk, records beside them) and HNSW searches that pass ef_search."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.adapters.integrations.embedding import embed_matrix
from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder, record_text
from agentic_synth.adapters.integrations.ruvector import EF_SEARCH, RuvectorVectorStore
from agentic_synth.adapters.integrations.ruvector_rvf import RvfVectorStore

ruvector = pytest.importorskip("ruvector")
SCHEMA = {"name": "name", "city": "city", "job": "job"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return AgenticSynth(config={}).generate("structured", schema=SCHEMA, count=3000, seed=8).records


def test_a_cli_run_leaves_the_rvf_file_and_its_records_only_and_a_new_process_finds_a_record(run_cli, tmp_path):
    db, out = tmp_path / "people.rvf", tmp_path / "people.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", json.dumps(SCHEMA), "-n", "4000", "--seed", "2",
                           "-o", str(out), "--vectorize-with", f"ruvector:{db}")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.jsonl", "people.rvf", "people.rvf.records"]
    assert ruvector.RvfStore.open(str(db)).status()["total_vectors"] == 4000
    target = json.loads(out.read_text().splitlines()[3210])
    found = subprocess.run([sys.executable, "-m", "agentic_synth", "vectors", "search", "--db", str(db),
                            record_text(target), "--limit", "1", "--json"], capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    hit = json.loads(found.stdout)
    assert hit["record"] == target and hit["score"] == pytest.approx(1.0, abs=1e-5)
    assert hit["metadata"] == {"kind": "structured", "mode": "engine", "seed": 2, "locale": "en_US"}


def test_a_run_that_fails_takes_its_vectors_back_out_of_the_rvf_file(tmp_path, rows):
    store = RvfVectorStore(tmp_path / "v.rvf", HashingEmbedder())
    store.store(rows[:100], {"run": 1})
    store.commit()
    store.store(rows[100:400], {"run": 2})
    store.rollback()
    assert ruvector.RvfStore.open(str(tmp_path / "v.rvf")).status()["total_vectors"] == 100
    assert {h["metadata"]["run"] for h in store.search(record_text(rows[200]), limit=50)} == {1}


def test_vectors_of_a_run_still_going_are_not_found_until_it_commits(tmp_path, rows):
    writer = RvfVectorStore(tmp_path / "v.rvf", HashingEmbedder())
    writer.store(rows[:50])
    writer.commit()
    writer.store(rows[50:80])
    reader = RvfVectorStore(tmp_path / "v.rvf", HashingEmbedder())
    assert reader.count() == 50
    assert record_text(reader.search(record_text(rows[60]), limit=1)[0]["record"]) != record_text(rows[60])
    writer.commit()
    assert record_text(reader.search(record_text(rows[60]), limit=1)[0]["record"]) == record_text(rows[60])


def test_every_record_finds_itself_first_in_the_rvf_store(tmp_path, rows):
    store = RvfVectorStore(tmp_path / "v.rvf", HashingEmbedder())
    store.store(rows)
    store.commit()
    assert all(record_text(store.search(record_text(r), limit=1)[0]["record"]) == record_text(r) for r in rows[::10])


def test_hnsw_searches_use_ef_search_even_on_a_collection_saved_with_a_tiny_one(tmp_path, rows):
    embedder = HashingEmbedder(dimensions=64)
    vectors = embed_matrix(embedder, rows)
    weak = ruvector.Collection.create(64, metric="cosine", m=4, ef_construction=8, ef_search=1)
    weak.insert_batch(vectors, metadatas=[{"record": json.dumps(r), "metadata": {}} for r in rows])
    weak.save(tmp_path / "weak.db")
    queries = embed_matrix(embedder, [record_text(r) for r in rows], texts=True)
    as_saved = sum(weak.search(q, 1)[0].id == i for i, q in enumerate(queries)) / len(rows)
    store = RuvectorVectorStore(tmp_path / "weak.db", embedder)
    ours = sum(store.search(record_text(r), limit=1)[0]["record"] == r for r in rows) / len(rows)
    assert as_saved < 0.6 < 0.9 < ours  # the saved ef_search=1 misses most; ef_search >= 200 finds nearly all


def test_a_new_hnsw_collection_is_saved_with_an_ef_search_of_at_least_200(run_cli, tmp_path):
    db = tmp_path / "v.db"
    code, _, err = run_cli("generate", "structured", "-s", json.dumps(SCHEMA), "-n", "50", "-o",
                           str(tmp_path / "o.jsonl"), "--vectorize-with", f"ruvector-hnsw:{db}")
    assert code == 0, err and f"into ruvector-hnsw:{db}" in err
    assert json.loads((tmp_path / "v.db.meta.json").read_text())["hnsw_ef_search"] == EF_SEARCH >= 200
