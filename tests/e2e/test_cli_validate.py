"""`agentic-synth validate`: a schema alone, and data files in all four formats with row numbers."""

from __future__ import annotations

import json
import re

import pytest

from agentic_synth import AgenticSynth

LOOSE = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}, "age": {"type": "integer", "min": 0,
         "max": 100}, "email": "email", "seen": "datetime", "home": {"city": "city", "day": "date"},
         "tags": {"type": "array", "items": {"enum": ["x", "y"]}}, "ok": "boolean"}
STRICT = {**LOOSE, "age": {"type": "integer", "min": 18, "max": 90}}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_violations_are_reported_with_row_numbers_and_exit_code_1(run_cli, schema_file, tmp_path, fmt) -> None:
    data = tmp_path / f"people.{fmt}"
    records = AgenticSynth().generate("structured", schema=LOOSE, count=40, seed=3).records
    AgenticSynth().generate("structured", schema=LOOSE, count=40, seed=3, output=data)
    expected = [i for i, r in enumerate(records, 1) if not 18 <= r["age"] <= 90]
    assert 0 < len(expected) < 20
    code, out, err = run_cli("validate", "--schema", schema_file(STRICT), str(data))
    assert code == 1
    reported = [int(m) for m in re.findall(r"^row (\d+): age: \d+ is (?:below|above)", out.decode(), re.M)]
    assert reported == expected
    assert err.strip() == f"error: {data}: {len(expected)} of 40 rows break the schema ({len(expected)} violations)"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_data_that_satisfies_the_schema_passes_with_exit_code_0(run_cli, schema_file, tmp_path, fmt) -> None:
    data = tmp_path / f"people.{fmt}"
    AgenticSynth().generate("structured", schema=LOOSE, count=300, seed=5, output=data)
    code, _, err = run_cli("validate", "--schema", schema_file(LOOSE), str(data))
    assert code == 0, err
    assert err.strip() == f"{data}: all 300 rows satisfy the schema"


def test_duplicates_in_a_unique_field_and_wrong_types_are_found(run_cli, schema_file, tmp_path) -> None:
    data = tmp_path / "bad.jsonl"
    rows = [{"id": 1, "n": 2}, {"id": 1, "n": "two"}, {"id": 3}, {"id": 4, "n": 5, "extra": True}]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out, _ = run_cli("validate", "-s", schema_file({"id": {"type": "integer", "unique": True}, "n": "int"}),
                           str(data))
    assert code == 1
    assert out.decode().splitlines() == [
        "row 2: id: duplicate value 1 in a unique field", "row 2: n: expected a number, got 'two'",
        "row 3: n: is missing", "row 4: extra: is not in the schema"]


def test_more_than_twenty_violations_are_summarised(run_cli, schema_file, tmp_path) -> None:
    data = tmp_path / "many.jsonl"
    data.write_text("".join(json.dumps({"n": -i - 1}) + "\n" for i in range(50)))
    code, out, _ = run_cli("validate", "-s", schema_file({"n": {"type": "integer", "min": 0}}), str(data))
    lines = out.decode().splitlines()
    assert code == 1 and len(lines) == 21 and lines[-1] == "... and 30 more"


def test_a_schema_alone_is_checked_and_summarised(run_cli, schema_file) -> None:
    code, out, _ = run_cli("validate", "--schema", schema_file(LOOSE))
    assert code == 0 and out.decode().strip() == "schema ok: 7 fields (id, age, email, seen, home, tags, ok)"
    code, _, err = run_cli("validate", "--schema", '{"a": {"type": "integer", "min": 3, "max": 1}}')
    assert code == 2 and err.strip() == "error: schema: a: min (3) is greater than max (1)"


def test_an_unreadable_data_file_is_a_usage_error_with_its_line(run_cli, schema_file, tmp_path) -> None:
    data = tmp_path / "broken.jsonl"
    data.write_text('{"n": 1}\n{"n": \n')
    code, _, err = run_cli("validate", "-s", schema_file({"n": "int"}), str(data))
    assert code == 2 and err.startswith(f"error: {data}: line 2: invalid JSON") and "Traceback" not in err


EVERY_TYPE = json.loads("""{
  "s": "string", "i": "integer", "n": "number", "b": "boolean", "dt": "datetime", "d": "date",
  "t": "time", "id": "uuid", "e": {"enum": [1, "two", null]}, "c": {"const": 7},
  "o": {"type": "object", "fields": {"x": "integer", "k": {"enum": [2.5, "z", true]}}},
  "a": {"type": "array", "items": "word"}, "ae": {"type": "array", "items": {"enum": [1, "b"]}},
  "name": "name", "first": "first_name", "last": "last_name", "email": "email", "phone": "phone",
  "address": "address", "street": "street", "city": "city", "country": "country",
  "cc": "country_code", "zip": "postcode", "company": "company", "job": "job", "url": "url",
  "domain": "domain", "v4": "ipv4", "v6": "ipv6", "user": "username", "token": "token",
  "iban": "iban", "currency": "currency", "amount": "amount", "lat": "latitude", "lon": "longitude",
  "color": "color", "word": "word", "sentence": "sentence", "paragraph": "paragraph",
  "product": "product_name"
}""")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_every_type_read_back_from_every_format_satisfies_its_own_schema(run_cli, schema_file, tmp_path,
                                                                          fmt) -> None:
    data = tmp_path / f"all.{fmt}"
    AgenticSynth().generate("structured", schema=EVERY_TYPE, count=300, seed=4, output=data)
    records = AgenticSynth().generate("structured", schema=EVERY_TYPE, count=300, seed=4).records
    code, out, err = run_cli("validate", "--schema", schema_file(EVERY_TYPE), str(data))
    assert code == 0, out.decode()[:2000]
    assert err.strip() == f"{data}: all 300 rows satisfy the schema"
    assert {r["e"] for r in records} == {1, "two", None}  # a null enum value is drawn, and is valid


def test_exclusive_bounds_hold_for_numbers_drawn_on_a_multiple_of_grid() -> None:
    schema = {"x": {"type": "number", "min": 0, "max": 1, "exclusiveMinimum": True, "exclusiveMaximum": True,
                    "multiple_of": 0.25}}
    values = {r["x"] for r in AgenticSynth().generate("structured", schema=schema, count=400, seed=2).records}
    assert values == {0.25, 0.5, 0.75}


SERIES = {"cpu": {"type": "number", "min": 0, "max": 100, "base": 40, "noise": {"std": 3},
                  "anomalies": {"rate": 0.05, "magnitude": 30, "label": "spike"}, "missing": 0.1}}
EVENTS = {"user": {"type": "uuid"}, "action": {"enum": ["view", "buy"]}}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_time_series_and_events_output_is_checked_with_the_columns_their_generators_add(run_cli, schema_file, tmp_path,
                                                                                        fmt) -> None:
    """`validate` refused every row of our own time series and events ("timestamp: is not in the schema")."""
    series = tmp_path / f"cpu.{fmt}"
    code, _, err = run_cli("generate", "timeseries", "-s", schema_file(SERIES), "-n", "200", "--series", "3",
                           "--seed", "4", "-o", str(series))
    assert code == 0, err
    code, _, err = run_cli("validate", "--kind", "timeseries", "--series", "3", "-s", schema_file(SERIES), str(series))
    assert code == 0 and "all 600 rows satisfy the schema" in err, err
    code, out, err = run_cli("validate", "-s", schema_file(SERIES), str(series))  # as plain records: it is not
    assert code == 1 and "timestamp: is not in the schema" in out.decode()
    events = tmp_path / f"events.{fmt}"
    code, _, err = run_cli("generate", "events", "-s", schema_file(EVENTS), "-n", "50", "--seed", "4", "-o",
                           str(events))
    assert code == 0, err
    code, _, err = run_cli("validate", "--kind", "events", "-s", schema_file(EVENTS), str(events))
    assert code == 0 and "all 50 rows satisfy the schema" in err, err


def test_time_series_values_off_the_schema_are_still_found(run_cli, schema_file, tmp_path) -> None:
    data = tmp_path / "cpu.jsonl"
    data.write_text('{"timestamp": "2025-01-01T00:00:00Z", "cpu": 41.5, "spike": false}\n'
                    '{"timestamp": "2025-01-01T00:00:01Z", "cpu": 140.0, "spike": "no"}\n'
                    '{"timestamp": "yesterday", "cpu": 3.0, "spike": true}\n')
    code, out, _ = run_cli("validate", "--kind", "timeseries", "-s", schema_file(SERIES), str(data))
    assert code == 1
    found = re.findall(r"^row (\d): (\w+):", out.decode(), re.M)
    assert found == [("2", "cpu"), ("2", "spike"), ("3", "timestamp")], out


def test_the_kinds_default_schema_serves_when_none_is_given_and_series_needs_timeseries(run_cli, tmp_path) -> None:
    data = tmp_path / "default.csv"
    assert run_cli("generate", "timeseries", "-n", "30", "--seed", "1", "-o", str(data))[0] == 0
    code, _, err = run_cli("validate", "--kind", "timeseries", str(data))
    assert code == 0 and "all 30 rows satisfy the schema" in err, err
    code, _, err = run_cli("validate", "--kind", "events", "--series", "2", "-s", '{"a": "integer"}', str(data))
    assert code == 2 and err.strip() == "error: --series applies to --kind timeseries"


def test_a_json_schema_time_series_is_judged_by_every_keyword_of_the_schema(run_cli, schema_file, tmp_path) -> None:
    """Review finding: with --kind the JSON Schema's own checks (a pattern beside a format) were skipped."""
    schema = {"type": "object", "required": ["value", "tag"], "properties": {
        "value": {"type": "number", "minimum": 0}, "tag": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{2}$"}}}
    data = tmp_path / "ts.jsonl"
    data.write_text('{"timestamp": "2025-01-01T00:00:00Z", "series": 1, "value": 3.5, "tag": "AB-12"}\n'
                    '{"timestamp": "2025-01-01T00:00:00Z", "series": 2, "value": -1, "tag": "nope"}\n'
                    '{"timestamp": "2025-01-01T00:00:01Z", "series": 3, "value": 1, "tag": "CD-34"}\n')
    code, out, _ = run_cli("validate", "--kind", "timeseries", "--series", "2", "-s", schema_file(schema), str(data))
    assert code == 1
    found = re.findall(r"^row (\d): (\w+):", out.decode(), re.M)
    assert found == [("2", "value"), ("2", "tag"), ("3", "series")], out
