"""`agentic-synth generate structured` end to end: four formats read back, errors, determinism."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator
from tests.readback import read_output

SCHEMA = {
    "id": {"type": "integer", "unique": True, "min": 1, "max": 1000000},
    "name": "name",
    "email": "email",
    "age": {"type": "integer", "min": 18, "max": 90},
    "score": {"type": "number", "min": 0, "max": 1, "precision": 3},
    "signup": "datetime",
    "plan": {"enum": ["free", "pro"], "weights": [0.8, 0.2]},
    "address": {"city": "city", "postcode": "postcode"},
}



@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_each_format_holds_every_record_and_the_records_satisfy_the_schema(run_cli, schema_file, tmp_path, fmt):
    out = tmp_path / f"users.{fmt}"
    code, _, err = run_cli("generate", "structured", "--schema", schema_file(SCHEMA), "-n", "2500",
                           "--seed", "3", "-o", str(out))
    assert code == 0, err
    rows = read_output(out, fmt)
    assert len(rows) == 2500
    assert len({str(r["id"]) for r in rows}) == 2500
    if fmt in ("json", "jsonl"):
        validator = RecordValidator(Schema.from_payload(SCHEMA))
        assert [v for r in rows for v in validator.check(r)] == []
    if fmt == "csv":
        assert list(rows[0]) == ["id", "name", "email", "age", "score", "signup", "plan", "address.city",
                                 "address.postcode"]
    if fmt == "parquet":
        types = {f.name: str(f.type) for f in pq.read_schema(out)}
        assert types["id"] == "int64" and types["signup"] == "timestamp[us, tz=UTC]"
        assert types["address"].startswith("struct<")


def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(run_cli, schema_file, tmp_path):
    paths = []
    for i, seed in enumerate(("5", "5", "6")):
        path = tmp_path / f"r{i}.jsonl"
        assert run_cli("generate", "structured", "--schema", schema_file(SCHEMA), "-n", "20000", "--seed", seed,
                       "-o", str(path))[0] == 0
        paths.append(path.read_bytes())
    assert paths[0] == paths[1]
    assert paths[0] != paths[2]


def test_without_output_records_go_to_stdout_as_jsonl_and_a_notice_says_the_engine_is_used(run_cli, schema_file):
    code, out, err = run_cli("generate", "structured", "--schema", schema_file(SCHEMA), "-n", "7", "--seed", "1")
    assert code == 0
    assert len(out.decode().splitlines()) == 7
    notices = [line for line in err.splitlines() if "built-in engine" in line]
    assert len(notices) == 1


@pytest.mark.parametrize(("args", "expected"), [
    (["--schema", '{"t": {"type": "number", "min": 40, "max": -20}}'],
     "error: schema: t: min (40) is greater than max (-20)"),
    (["--schema", '{"t": "number",}'], "error: schema (inline JSON): invalid JSON at line 1, column 16"),
    (["--schema", '{"t": "number"}', "-o", "x.csv", "-f", "json"], "error: --format json does not match"),
    (["--schema", "missing.json"], "error: schema: file 'missing.json' not found"),
    (["--schema", '{"id": {"type": "boolean", "unique": true}}', "-n", "3"],
     "error: schema: id: unique: this field can take at most 2 distinct values"),
])
def test_bad_input_is_one_error_line_with_exit_code_2_and_no_output_file(run_cli, tmp_path, monkeypatch, args,
                                                                         expected):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("generate", "structured", *args)
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(expected), err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
