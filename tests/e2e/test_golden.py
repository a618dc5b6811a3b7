"""The seed contract: `--seed N` gives byte-identical output in every format, pinned by golden files.

The goldens in tests/golden/ were written by this version. A change that alters seeded output must
say so in the changelog and rewrite them on purpose:
    AGENTIC_SYNTH_UPDATE_GOLDEN=1 python -m pytest tests/e2e/test_golden.py
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SCHEMA = str(GOLDEN / "schema.json")
SEED, COUNT = "42", "40"
# Past two chunks (8192 records each), so the digest also pins how chunks and uniqueness interact.
MANY = "20000"
UPDATE = os.environ.get("AGENTIC_SYNTH_UPDATE_GOLDEN") == "1"


def _generate(run_cli, path: Path, *args: str, seed: str = SEED, count: str = COUNT) -> bytes:
    code, _, err = run_cli("-q", "generate", "structured", "--schema", SCHEMA, "-n", count, "--seed", seed,
                           "-o", str(path), *args)
    assert code == 0, err
    return path.read_bytes()


def _check(golden: Path, produced: bytes) -> None:
    if UPDATE:
        golden.write_bytes(produced)
    assert produced == golden.read_bytes(), f"seeded output differs from {golden.name}"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_seeded_text_output_matches_its_golden_file_byte_for_byte(run_cli, tmp_path, fmt):
    _check(GOLDEN / f"users.{fmt}", _generate(run_cli, tmp_path / f"out.{fmt}"))


def test_seeded_parquet_matches_its_golden_table_and_bytes_when_pyarrow_is_the_same(run_cli, tmp_path):
    produced = _generate(run_cli, tmp_path / "out.parquet")
    golden = GOLDEN / "users.parquet"
    if UPDATE:
        golden.write_bytes(produced)
    ours, theirs = pq.ParquetFile(tmp_path / "out.parquet"), pq.ParquetFile(golden)
    assert ours.schema_arrow == theirs.schema_arrow
    assert ours.read().to_pylist() == theirs.read().to_pylist()
    # The footer names the writer (created_by "parquet-cpp-arrow version X"): another pyarrow may lay
    # out or compress pages differently, so bytes are compared only against the same writer.
    if ours.metadata.created_by == theirs.metadata.created_by:
        assert produced == golden.read_bytes()


def test_the_parquet_table_agrees_with_the_jsonl_golden(tmp_path):
    lines = [orjson.loads(line) for line in (GOLDEN / "users.jsonl").read_bytes().splitlines()]
    table = pq.read_table(GOLDEN / "users.parquet").to_pylist()
    assert [r["id"] for r in table] == [r["id"] for r in lines]
    assert [r["email"] for r in table] == [r["email"] for r in lines]
    assert [r["signup"].strftime("%Y-%m-%dT%H:%M:%SZ") for r in table] == [r["signup"] for r in lines]


def test_a_multi_chunk_run_matches_its_golden_digest(run_cli, tmp_path):
    digest = hashlib.sha256(_generate(run_cli, tmp_path / "many.jsonl", count=MANY)).hexdigest()
    golden = GOLDEN / f"users-{MANY}.jsonl.sha256"
    if UPDATE:
        golden.write_text(digest + "\n")
    assert digest == golden.read_text().strip()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_the_same_seed_twice_is_byte_identical_in_every_format(run_cli, tmp_path, fmt):
    first = _generate(run_cli, tmp_path / f"a.{fmt}", count="3000")
    assert _generate(run_cli, tmp_path / f"b.{fmt}", count="3000") == first


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_different_seeds_give_different_records(run_cli, tmp_path, fmt):
    a = _generate(run_cli, tmp_path / f"a.{fmt}", seed="1")
    b = _generate(run_cli, tmp_path / f"b.{fmt}", seed="2")
    assert a != b
    if fmt == "jsonl":
        rows_a = [orjson.loads(line) for line in a.splitlines()]
        rows_b = [orjson.loads(line) for line in b.splitlines()]
        # not a shuffle of the same data: most values of most fields change
        for field in ("id", "uuid", "email", "signup", "score"):
            same = sum(x[field] == y[field] for x, y in zip(rows_a, rows_b, strict=True))
            assert same <= 2, field


def test_the_sdk_and_the_cli_write_the_same_bytes_for_the_same_seed(run_cli, tmp_path):
    from agentic_synth import AgenticSynth

    cli_bytes = _generate(run_cli, tmp_path / "cli.jsonl")
    AgenticSynth().generate("structured", schema=SCHEMA, count=int(COUNT), seed=int(SEED),
                            output=tmp_path / "sdk.jsonl")
    assert (tmp_path / "sdk.jsonl").read_bytes() == cli_bytes
    records = AgenticSynth().generate("structured", schema=SCHEMA, count=int(COUNT), seed=int(SEED)).records
    assert [orjson.loads(line) for line in cli_bytes.splitlines()] == records
