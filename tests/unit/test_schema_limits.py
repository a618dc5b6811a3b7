"""The schema limits of issue 17: each reproducer is one SchemaError naming the path, before anything runs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentic_synth.adapters.documents import read_json, read_yaml
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.schema import Schema


def _deep(depth: int, kind: str = "object") -> dict[str, Any]:
    spec: Any = "integer"
    for _ in range(depth):
        spec = {"x": spec} if kind == "object" else {"type": "array", "items": spec, "max_items": 1}
    return {"root": spec}


@pytest.mark.parametrize(("schema", "message"), [
    (_deep(33), "schema: root" + ".x" * 33 + ": objects and arrays nest deeper than 32 levels"),
    (_deep(40, "array"), "nest deeper than 32 levels"),
    (_deep(300), "nested deeper than 200 levels"),
    ({f"f{i}": "integer" for i in range(10_001)}, "the schema has more than 10,000 fields"),
    ({"a": {"type": "array", "items": "word", "max_items": 10**9}}, "a: max_items (1,000,000,000) is more than"),
    ({"a": {"type": "array", "max_items": 1000, "items": {"type": "array", "items": "word", "max_items": 1001}}},
     "one record may hold 1,002,001 values at its largest"),
    ({"a": {"type": "string", "min_length": 10**9}}, "a: min_length (1,000,000,000) is more than 100,000 characters"),
    ({"n": {"type": "integer", "min": 0, "max": 2**63}}, "n.max: a 19-digit integer lies beyond 64-bit integers"),
    ({"n": {"type": "integer", "min": -(10**30)}}, "n.min: a 31-digit integer lies beyond 64-bit integers"),
    ({"n": {"type": "integer", "min": 0, "max": 1e19}}, "n: integer bounds must lie within 64-bit integers"),
    ({"e": {"enum": [1, [2, float("nan")]]}}, "e.enum: nan is not a JSON number"),
    ({"n": {"type": "number", "min": -1e308, "max": 1e308}}, "n: max - min (1e+308 - -1e+308) is beyond the largest"),
    ({"n": {"type": "number", "max": 1e300, "multiple_of": 5e-324}}, "n: multiple_of (4.94066e-324) is too small"),
    ({"n": {"type": "number", "min": 0, "max": 1e20, "multiple_of": 1e-3}}, "more than 2^53 multiples"),
    ({"n": {"type": "integer", "min": 1, "max": 2, "exclusive_min": True, "exclusive_max": True}},
     "n: no whole number lies between min (1) and max (2)"),
    ({"l": {"type": "latitude", "multiple_of": 7}}, "l: multiple_of does not apply to latitude"),
    ({"l": {"type": "latitude", "min": 0, "max": 1e300}}, "l: latitude bounds must lie within -90 to 90"),
    ({"l": {"type": "longitude", "min": -1e300, "max": 0}}, "l: longitude bounds must lie within -180 to 180"),
    ({"n": {"type": "integer", "multiple_of": 1, "min": 1e308, "max": 1e308, "precision": 11}},  # slow-profile
     "n: integer bounds must lie within 64-bit integers"),                                        # findings (exit 70)
    ({"n": {"type": "number", "multiple_of": 1, "min": 1e308, "max": 1e308, "precision": 188}}, "more than 2^53"),
    ({"n": {"type": "number", "min": 0, "max": 1e300, "precision": 11}},
     "n: precision (11) is finer than a float64 holds for values up to 1e+300"),
    ({"n": {"type": "number", "precision": 400}}, "n: precision (400) is more decimals than a float64 can hold"),
    ({"a": {"type": "amount", "max": 1e307}}, "a: precision (2) is finer than a float64 holds"),
    ({"a.b": "integer", "a": {"b": "word"}}, "a.b: the name 'a.b' is taken twice"),
    ({"\udc80": "integer"}, "is not valid Unicode (a lone surrogate)"),
    ({"p": {"type": "string", "pattern": "a\udc80"}}, "p.pattern: 'a\\\\udc80' is not valid Unicode"),
    ({"p": {"type": "string", "pattern": "x{1000000}"}}, "p: pattern 'x{1000000}' repeats more than 1,000 times"),
    ({"p": {"type": "string", "pattern": "a\\bb"}}, "uses a word boundary"),
    ({"p": {"type": "string", "pattern": "(a)\\1"}}, "uses a back-reference"),
    ({"p": {"type": "string", "pattern": "a(?=b)"}}, "uses a lookahead"),
    ({"p": {"type": "string", "pattern": "(a|b)$(a|b)(a|b)"}}, "has a ^ or $ where a character may come"),  # slow
    ({"p": {"type": "string", "pattern": "x*^a"}}, "has a ^ or $ where a character may come"),  # profile findings
    ({"a": {"type": "datetime", "after": "c"}, "b": {"type": "datetime", "after": "a"},
      "c": {"type": "datetime", "after": "b"}}, "'after' makes a cycle through a, b, c"),
    ({"type": "object", "properties": {"a": {"type": "string"}}, "required": 5}, "#: 'required' must be a list"),
    ({"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}},
                                             "required": [["x"]]}}}, "#/properties/a: 'required' must be a list"),
])
def test_a_schema_past_a_limit_is_one_schema_error(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        Schema.from_payload(schema)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("schema", [
    _deep(32), {f"f{i}": "integer" for i in range(2000)},
    {"a": {"type": "array", "items": "word", "max_items": 100_000}},
    {"n": {"type": "integer", "min": -(2**63), "max": 2**63 - 1}},
    {"n": {"type": "number", "min": -1e307, "max": 1e307}}, {"p": {"type": "string", "pattern": "[a-z]{3,1000}"}},
    {"n": {"type": "number", "min": 0, "max": 1e297, "precision": 11}}, {"l": {"type": "latitude", "min": 80}},
    {"p": {"type": "string", "pattern": "a\\\\b"}},  # an escaped backslash, then b: no word boundary
    {"p": {"type": "string", "pattern": "^(?:a|b)+$"}}, {"p": {"type": "string", "pattern": "^a$|^b$"}},
    {"p": {"type": "string", "pattern": "(?:^|,)a"}}, {"p": {"type": "string", "pattern": "(?m)a$\\nb"}},
    {"a": {"type": "datetime"}, "b": {"type": "datetime", "after": "a"}, "c": {"type": "datetime", "after": "b"}},
])
def test_a_schema_within_the_limits_is_accepted(schema: dict[str, Any]) -> None:
    assert Schema.from_payload(schema).fields


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": ' * 5000 + '"integer"' + "}" * 5000, "schema.json: JSON nested too deeply to read"),
    ('{"n": {"type": "integer", "max": ' + "9" * 5000 + "}}", "schema.json: unreadable JSON: Exceeds the limit"),
])
def test_json_no_parser_can_hold_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        read_json(text, "schema.json")


def test_yaml_nested_deeper_than_the_parser_can_hold_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"schema\.yaml: YAML nested too deeply to read"):
        read_yaml("a: " + "{x: " * 20_000 + "1" + "}" * 20_000, "schema.yaml")


def test_error_messages_escape_control_characters_for_sdk_users_too() -> None:
    with pytest.raises(SchemaError) as caught:
        load_schema(json.dumps({"\x1b]0;pwned\x07": "nope"}))
    assert "\x1b" not in str(caught.value) and "\\x1b]0;pwned\\x07" in str(caught.value)


@pytest.mark.parametrize("schema", [{"a\nb": {"enum": []}},  # fuzz findings: a newline in a name made two lines
                                    {"type": "object", "properties": {"a\n\tb": {"uniqueItems": -390}}}])
def test_a_schema_error_is_one_line_though_a_name_holds_a_newline(schema: dict[str, Any]) -> None:
    with pytest.raises(SchemaError) as caught:
        Schema.from_payload(schema)
    assert "\n" not in str(caught.value) and "\t" not in str(caught.value) and "a\\n" in str(caught.value)


@pytest.mark.parametrize(("schema", "count", "message"), [
    ({"a": {"type": "array", "items": "integer", "min_items": 100_000, "max_items": 100_000}}, 100,
     "records of this shape hold up to 100,001 values each (arrays at max_items, texts at their longest), and the "
     "engine holds 100 at once: more than 10,000,000 in memory; lower max_items or min_length, or make at most 99 "
     "records"),
    ({"a": {"type": "string", "min_length": 100_000}}, 5_000, "hold up to 100,000 characters each"),
    ({"a": {"type": "array", "max_items": 1000, "items": {"type": "string", "min_length": 100_000}}}, 3,
     "hold up to 100,000,000 characters each (arrays at max_items, texts at their longest), and the engine holds 3 at "
     "once: more than 128,000,000 in memory; lower max_items or min_length, or make at most 1 record"),
    ({"a": {"type": "array", "max_items": 2000, "items": "paragraph"}}, 10**9, "the engine holds 8,192 at once"),
])
def test_records_whose_chunk_would_pass_the_memory_budget_are_refused_before_any_output(
        schema: dict[str, Any], count: int, message: str, tmp_path: Any) -> None:
    """Issue 17's time and memory budget per record shape: 2,000 records of 100,000 integers grew to MemoryError
    (exit 70), 1,000 strings of 100,000 characters per record ran for minutes."""
    from agentic_synth import AgenticSynth

    with pytest.raises(SchemaError) as caught:
        AgenticSynth().generate("structured", schema=schema, count=count, seed=1, output=str(tmp_path / "o.jsonl"))
    assert message in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_the_largest_record_shape_within_the_budget_runs() -> None:
    from agentic_synth import AgenticSynth

    schema = {"a": {"type": "array", "items": "integer", "min_items": 100_000, "max_items": 100_000}}
    assert len(AgenticSynth().generate("structured", schema=schema, count=99, seed=1).records) == 99


@pytest.mark.parametrize("value", ["\x00", "schema\x00.json", '{"a\x00": "integer"}'])
def test_a_schema_argument_holding_a_nul_is_a_usage_error(value: str) -> None:
    """Fuzz finding (batch files): a job's schema "\\x00" ended in exit 70 (ValueError: embedded null byte)."""
    with pytest.raises(UsageError, match="a NUL character can be neither in a file name nor raw in JSON text"):
        load_schema(value)


@pytest.mark.parametrize("pattern", ["|(a+)+(a|b)[^\\x00-\\U0010ffff]", "[^\\s\\S]x", "(x|[^\\d\\D]){0,3}"])
def test_a_pattern_with_a_set_no_character_matches_is_refused(pattern: str) -> None:
    """Fuzz finding (limits): the compact engine's pattern maker drew from the empty set (IndexError, exit 70)."""
    with pytest.raises(SchemaError, match="has a character set that no character matches"):
        Schema.from_payload({"p": {"type": "string", "pattern": pattern}})


@pytest.mark.parametrize("pattern", ["a[^b]", "[^\\d]{2}", "(x|[^\\d\\D]){0}", "[\\s\\S]"])
def test_a_pattern_whose_sets_match_something_is_accepted(pattern: str) -> None:
    Schema.from_payload({"p": {"type": "string", "pattern": pattern}})


def test_a_field_is_hashed_once_however_often_caches_look_it_up(tmp_path: Any) -> None:
    """Fuzz finding (limits): 40 records of a 1,000,000-value enum to Parquet ran past 6 minutes of CPU, the
    enum's Field hashed (all its values) once per cell by a cached lookup. Now each Field hashes its values once."""
    import attrs

    from agentic_synth import AgenticSynth

    class CountedValues(tuple):  # type: ignore[type-arg]
        hashed = 0

        def __hash__(self) -> int:
            CountedValues.hashed += 1
            return super().__hash__()

    schema = Schema.from_payload({"e": {"enum": list(range(1000))}, "n": "integer"})
    field = attrs.evolve(schema.fields[0], values=CountedValues(schema.fields[0].values))
    schema = attrs.evolve(schema, fields=(field, schema.fields[1]))
    AgenticSynth().generate("structured", schema=schema, count=40, seed=1, output=str(tmp_path / "e.parquet"))
    assert CountedValues.hashed <= 2


@pytest.mark.parametrize("spec", [
    {"type": "number", "multiple_of": 1e308, "min": 1e308, "max": 1e308},  # the rounding of multiples overflowed
    {"type": "number", "multiple_of": 1e307, "min": 0, "max": 1.7e308},  # to inf, written as null
    {"type": "number", "min": 0, "max": 1e297, "precision": 11},
])
def test_numbers_near_the_float64_limit_are_written_and_valid(tmp_path: Any, spec: dict[str, Any]) -> None:
    import math

    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records
    from agentic_synth.domain.schema.validation import validate_record

    schema = Schema.from_payload({"n": spec})
    out = tmp_path / "o.jsonl"
    AgenticSynth().generate("structured", schema={"n": spec}, count=200, seed=3, output=str(out))
    rows = list(read_records(str(out), schema))
    assert len(rows) == 200 and all(isinstance(r["n"], float) and math.isfinite(r["n"]) for r in rows)
    assert [v for r in rows for v in validate_record(r, schema)] == []


def test_a_million_value_enum_is_parsed_written_and_validated_in_seconds(tmp_path: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow-profile finding: `{"e": {"enum": list(range(10**6))}}` to Parquet passed the 20 s limit under load
    (the document check, freezing each value, converting the vocabulary twice, a list of a million a record in
    validate). Counted, not timed: a lookup per record, not a scan."""
    import agentic_synth.domain.schema.validation as validation
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records

    payload = {"e": {"enum": list(range(10**6))}}
    out = tmp_path / "o.parquet"
    AgenticSynth().generate("structured", schema=payload, count=50, seed=1, output=str(out))
    schema = Schema.from_payload(payload)
    rows = list(read_records(str(out), schema))
    thawed = []
    real = validation.thaw
    monkeypatch.setattr(validation, "thaw", lambda value: thawed.append(value) or real(value))
    assert [v for r in rows for v in validation.validate_record(r, schema)] == []
    bad = validation.validate_record({"e": -1}, schema)
    assert len(rows) == 50 and all(0 <= r["e"] < 10**6 for r in rows)
    assert len(thawed) <= 20  # only to show the first values of the one violation
    assert len(bad) == 1 and bad[0].message.endswith("and 999,980 more")


def test_a_field_made_in_code_with_too_many_decimals_is_one_schema_error() -> None:
    """Review finding: precision=400 on a Field built in code passed the parse-time check and crashed (10.0**400)."""
    from agentic_synth import AgenticSynth
    from agentic_synth.domain.schema.fields import Field

    schema = Schema(fields=(Field(name="n", type="number", min=0, max=1, precision=400),))
    with pytest.raises(SchemaError, match=r"n: precision \(400\) is more decimals than a float64 can hold"):
        AgenticSynth().generate("structured", schema=schema, count=3, seed=1)


def test_a_large_text_enum_is_read_back_by_lookup_not_by_a_scan_per_cell(tmp_path: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Review finding: reading a million-text enum back from CSV or Parquet scanned every value for every cell
    (39 s for 300 rows). Counted, not timed."""
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters import readers

    payload = {"e": {"enum": [f"v{i}" for i in range(100_000)] + [True]}, "n": "integer"}
    schema = Schema.from_payload(payload)
    made = AgenticSynth().generate("structured", schema=payload, count=200, seed=5).records
    scans = []
    real = readers._candidates
    monkeypatch.setattr(readers, "_candidates", lambda f: scans.append(f.name) or real(f))
    readers._enum_texts.cache_clear()
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"o.{fmt}"
        AgenticSynth().generate("structured", schema=payload, count=200, seed=5, output=str(out))
        assert list(readers.read_records(str(out), schema)) == made, fmt
    assert scans.count("e") <= 1


def test_a_wide_csv_finds_each_columns_field_once(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow-profile finding: validate of 40 CSV rows of 10,000 integer fields passed the 20 s limit (43 s idle):
    each cell looked its field up by a scan of all the fields. Counted, not timed."""
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters import readers

    payload = {f"f{i}": "integer" for i in range(2_000)} | {"o": {"a": "integer", "b": {"c": "word"}}}
    schema = Schema.from_payload(payload)
    out = tmp_path / "wide.csv"
    made = AgenticSynth().generate("structured", schema=payload, count=30, seed=2).records
    AgenticSynth().generate("structured", schema=payload, count=30, seed=2, output=str(out))
    lookups = []
    real = readers._field_at
    monkeypatch.setattr(readers, "_field_at", lambda top, path: lookups.append(path) or real(top, path))
    assert list(readers.read_records(str(out), schema)) == made
    assert len(lookups) == 2_002  # a column, a lookup: f0..f1999, o.a, o.b.c
