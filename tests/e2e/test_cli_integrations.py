"""`generate --stream-to/--vectorize-with` and `vectors search|info` through the CLI, on temp dirs."""

from __future__ import annotations

import json

import pytest

SCHEMA = '{"name": "name", "city": "city", "job": "job"}'


@pytest.mark.parametrize("store", ["local", "ruvector"])
def test_a_run_streams_and_vectorizes_every_record_and_search_finds_one_by_its_words(run_cli, tmp_path, store):
    out, streamed, db = tmp_path / "u.jsonl", tmp_path / "s.jsonl", tmp_path / "v.db"
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3000", "--seed", "5", "-o", str(out),
                           "--stream-to", f"jsonl:{streamed}", "--vectorize-with", f"{store}:{db}")
    assert code == 0, err
    assert streamed.read_bytes() == out.read_bytes()
    assert f"agentic-synth: streamed 3000 records to jsonl:{streamed}" in err
    assert f"agentic-synth: vectorized 3000 records into {store}:{db}" in err
    target = json.loads(out.read_text().splitlines()[1234])
    code, found, err = run_cli("vectors", "search", "--db", str(db), f"{target['name']} {target['city']}",
                               "--limit", "2", "--json")
    hits = [json.loads(line) for line in found.decode().splitlines()]
    assert code == 0 and len(hits) == 2 and hits[0]["record"] == target
    assert hits[0]["metadata"] == {"kind": "structured", "mode": "engine", "seed": 5, "locale": "en_US"}
    code, info, _ = run_cli("vectors", "info", "--db", str(db))
    assert code == 0 and "records     3000" in info.decode() and "hashing-v1-512" in info.decode()


def test_stream_to_stdout_sends_jsonl_there_while_the_output_goes_to_a_file(run_cli, tmp_path):
    out = tmp_path / "u.csv"
    code, streamed, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "7", "--seed", "1", "-o", str(out),
                                  "--stream-to", "stdout")
    assert code == 0, err
    assert [json.loads(line)["name"] for line in streamed.decode().splitlines()] == \
        [line.split(",")[0] for line in out.read_text().splitlines()[1:]]


@pytest.mark.parametrize(("args", "message"), [
    (["--stream-to", "midstreamer"], "error: --stream-to midstreamer compares the series as they are made with a "
                                     "reference: add --reference FILE"),
    (["--stream-to", "stdout"], "error: --stream-to stdout: the output already goes to stdout"),
    (["--stream-to", "kafka:orders"], "error: --stream-to: unknown target 'kafka'"),
    (["--stream-to", "jsonl"], "error: --stream-to jsonl needs a target"),
    (["--vectorize-with", "pinecone"], "error: --vectorize-with: unknown store 'pinecone'"),
])
def test_an_integration_that_is_missing_or_misnamed_is_one_usage_error_and_writes_nothing(run_cli, tmp_path, args,
                                                                                          message):
    code, out, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "5", *args)
    assert code == 2 and out == b"" and err.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in err


def test_vectorizing_into_a_store_of_another_embedder_fails_before_the_output_exists(run_cli, tmp_path):
    text = tmp_path / "not-a-db.txt"
    text.write_text("plain text")
    out = tmp_path / "u.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "5", "-o", str(out),
                           "--vectorize-with", f"local:{text}")
    assert code == 2 and not out.exists() and "is not a local vector store" in err


def test_vectors_search_on_something_that_is_not_a_store_is_a_usage_error(run_cli, tmp_path):
    code, _, err = run_cli("vectors", "search", "--db", str(tmp_path / "nothing"), "query")
    assert code == 2 and "is not a vector store" in err
