"""CLI outputs end to end: JSON Schema input, CSV protection, atomic files, --report, stderr behaviour."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator
from tests.fakes import MIDWAY_ERRORS, FailingGenerator
from tests.readback import read_output

JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "email", "age", "tags", "home", "score", "kind", "created", "site", "ip4", "ip6"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email"},
        "age": {"type": ["integer", "null"], "minimum": 0, "exclusiveMaximum": 130},
        "score": {"type": "number", "minimum": 0, "maximum": 10, "multipleOf": 0.5},
        "kind": {"const": "user"},
        "code": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$", "minLength": 6, "maxLength": 6},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}, "minItems": 1,
                 "maxItems": 3, "uniqueItems": True},
        "home": {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"},
                                                  "since": {"type": "string", "format": "date"}}},
        "created": {"type": "string", "format": "date-time"},
        "at": {"type": "string", "format": "time"},
        "site": {"type": "string", "format": "uri"},
        "ip4": {"type": "string", "format": "ipv4"},
        "ip6": {"type": "string", "format": "ipv6"},
        "host": {"type": "string", "format": "hostname"},
    },
}


def test_a_json_schema_file_generates_records_that_satisfy_it(run_cli, schema_file, tmp_path) -> None:
    out = tmp_path / "u.jsonl"
    code, _, err = run_cli("generate", "structured", "--schema", schema_file(JSON_SCHEMA), "-n", "3000",
                           "--seed", "9", "-o", str(out))
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    validator = RecordValidator(Schema.from_payload(JSON_SCHEMA))
    assert len(rows) == 3000 and [str(v) for r in rows for v in validator.check(r)] == []
    assert any(r["age"] is None for r in rows) and {r["kind"] for r in rows} == {"user"}
    assert {len(r["tags"]) for r in rows} == {1, 2, 3}


HOSTILE = ["=SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tlead tab", "\rlead cr", "plain"]
CSV_SCHEMA = {"text": {"enum": HOSTILE}, "neg": {"type": "integer", "min": -9, "max": -1},
              "x": {"type": "number", "min": -5, "max": -1, "precision": 2}}


def test_csv_neutralises_formula_text_but_keeps_negative_numbers_numeric(run_cli, schema_file, tmp_path) -> None:
    out = tmp_path / "p.csv"
    assert run_cli("generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "500", "-o", str(out))[0] == 0
    rows = read_output(out, "csv")
    assert {r["text"] for r in rows} == {"'" + v for v in HOSTILE[:-1]} | {"plain"}
    assert all(int(r["neg"]) < 0 and float(r["x"]) < 0 for r in rows)
    assert out.read_bytes().count(b"\r\n") == 501  # RFC 4180 line endings, header included


def test_no_csv_protect_writes_text_cells_as_they_are(run_cli, schema_file, tmp_path) -> None:
    out = tmp_path / "raw.csv"
    assert run_cli("generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "500", "-o", str(out),
                   "--no-csv-protect")[0] == 0
    assert {r["text"] for r in read_output(out, "csv")} == set(HOSTILE)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
@pytest.mark.parametrize(("error", "exit_code"), [("provider", 3), ("keyboard", 130), ("bug", 70)])
def test_a_failure_midway_leaves_no_file_under_the_target_name(run_cli, container, tmp_path, fmt, error,
                                                               exit_code) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS[error]))
    target = tmp_path / f"out.{fmt}"
    code, _, err = run_cli("generate", "failing", "-s", '{"n": "integer"}', "-n", "1000", "-o", str(target))
    assert code == exit_code
    assert err.splitlines()[-1].startswith("error: ") and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # neither the target nor a temporary file


def test_an_existing_file_survives_a_failed_run_untouched(run_cli, container, tmp_path) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS["keyboard"]))
    target = tmp_path / "keep.jsonl"
    target.write_text('{"old": true}\n')
    assert run_cli("generate", "failing", "-s", '{"n": "integer"}', "-o", str(target))[0] == 130
    assert target.read_text() == '{"old": true}\n' and list(tmp_path.iterdir()) == [target]


def test_report_writes_the_runs_metadata_as_json(run_cli, schema_file, tmp_path) -> None:
    report = tmp_path / "run.json"
    code, _, _ = run_cli("generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "1234", "--seed", "8",
                         "-o", str(tmp_path / "d.parquet"), "--report", str(report))
    assert code == 0
    meta = json.loads(report.read_text())
    assert meta["records"] == 1234 and meta["requested"] == 1234 and meta["seed"] == 8
    assert (meta["kind"], meta["mode"], meta["source"], meta["format"]) == ("structured", "engine", "engine",
                                                                            "parquet")
    assert meta["calls"] == 0 and meta["cost_usd"] == 0 and meta["models"] == {}
    assert (meta["cache_hits"], meta["cache_misses"], meta["tokens_in"], meta["tokens_out"]) == (0, 0, 0, 0)
    assert meta["seconds"] > 0 and meta["output"].endswith("d.parquet")
    assert pq.read_metadata(tmp_path / "d.parquet").num_rows == 1234


def test_stderr_holds_the_notice_and_a_one_line_summary_and_no_progress_bar_when_not_a_terminal(
        run_cli, schema_file, tmp_path) -> None:
    out = tmp_path / "s.csv"
    code, stdout, err = run_cli("generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "20000",
                                "--seed", "4", "-o", str(out))
    assert code == 0 and stdout == b""
    lines = err.splitlines()
    assert len(lines) == 2 and "built-in engine" in lines[0]
    assert lines[1].startswith(f"wrote 20,000 structured records to {out} (csv) in ") and lines[1].endswith(
        "s, seed 4")
    assert "\x1b[" not in err and "━" not in err


def test_quiet_silences_stderr_and_leaves_stdout_to_the_data(run_cli, schema_file) -> None:
    code, stdout, err = run_cli("-q", "generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "5")
    assert code == 0 and err == ""
    assert [sorted(json.loads(line)) for line in stdout.decode().splitlines()] == [["neg", "text", "x"]] * 5


def test_verbose_adds_log_lines_about_the_run(run_cli, schema_file) -> None:
    _, _, plain = run_cli("generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "5", "--seed", "2")
    _, _, verbose = run_cli("-v", "generate", "structured", "-s", schema_file(CSV_SCHEMA), "-n", "5", "--seed", "2")
    assert "INFO" not in plain
    assert "INFO: generating 5 structured records (seed 2, locale en_US, mode engine)" in verbose
    assert "INFO: generated 5 records in " in verbose


def test_verbose_twice_shows_the_details_of_an_error(run_cli, container) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS["bug"]))
    _, _, once = run_cli("generate", "failing", "-s", '{"n": "integer"}', "-o", "-")
    _, _, twice = run_cli("-vv", "generate", "failing", "-s", '{"n": "integer"}', "-o", "-")
    assert "Traceback" not in once and "RuntimeError: boom" in once
    assert "Traceback" in twice and "RuntimeError: boom" in twice


def test_python_dash_m_prints_the_version() -> None:
    done = subprocess.run([sys.executable, "-m", "agentic_synth", "--version"], capture_output=True, text=True,
                          check=False)
    from agentic_synth import __version__
    assert done.returncode == 0 and done.stdout.strip() == f"agentic-synth, version {__version__}"


def test_a_reader_closing_stdout_early_ends_the_run_quietly_with_exit_code_0() -> None:
    argv = [sys.executable, "-m", "agentic_synth", "-q", "generate", "structured", "-s", '{"a": "integer"}',
            "-n", "2000000"]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b""
    assert json.loads(first).keys() == {"a"}
