"""JSON Schema keywords holding the wrong kind of value are refused up front (fuzz findings of issue 17).

The engine used to guess (a `properties` of null read as none, `"items": [...]` in 2020-12 as a
tuple) while `validate`, through the jsonschema library, crashed on the same schema (exit 70) or
judged every record wrong (`"anyOf": []`). Now both see one SchemaError naming the keyword.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def _record(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


@pytest.mark.parametrize(("schema", "message"), [
    ({"type": "object", "properties": None, "required": [""]},
     "schema: #: 'properties' must be an object whose every value is a schema (an object, true or false), got null"),
    ({"type": "object", "properties": -2.5e-144}, "'properties' must be an object"),
    ({"type": "object", "properties": ""}, "'properties' must be an object"),
    ({"type": "object", "properties": {"a": 5}}, "'properties' must be an object whose every value is a schema"),
    (_record(a={"anyOf": []}),
     "schema: #/properties/a: 'anyOf' must be a non-empty list of schemas, got an empty list"),
    (_record(a={"oneOf": "x"}), "'oneOf' must be a non-empty list of schemas, got 'x'"),
    (_record(a={"type": "array", "items": [{"type": "integer"}]}),
     "'items' must be a schema (an object, true or false) (a list of schemas is 'prefixItems' since draft 2020-12)"),
    (_record(a={"type": "array", "prefixItems": {}}), "'prefixItems' must be a non-empty list of schemas"),
    (_record(a={"type": "strin"}), "'type' must be one of array, boolean, integer, null, number, object, string"),
    (_record(a={"type": ["string", "string"]}), "or a list of them without repeats"),
    (_record(a={"type": "string", "enum": "abc"}), "'enum' must be a list of values, got 'abc'"),
    (_record(a={"type": "string", "minLength": -1}), "'minLength' must be a whole number >= 0, got -1"),
    (_record(a={"type": "string", "maxLength": 2.5}), "'maxLength' must be a whole number >= 0"),
    (_record(a={"type": "number", "multipleOf": 0}), "'multipleOf' must be a number above 0, got 0"),
    (_record(a={"type": "number", "minimum": None}), "'minimum' must be a number (or an ISO date or time)"),
    (_record(a={"type": "array", "uniqueItems": 1}), "'uniqueItems' must be true or false, got 1"),
    (_record(a={"type": "string", "pattern": 5}), "'pattern' must be text, got 5"),
    (_record(a={"not": []}), "'not' must be a schema"),
    (_record(a={"type": "object", "required": "a"}), "'required' must be a list of property names"),
    (_record(a={"type": "object", "dependentRequired": {"a": "b"}}), "'dependentRequired' must be an object"),
    ({"type": "object", "properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": []}},
     "schema: #: '$defs' must be an object whose every value is a schema"),
    ({"$schema": "http://json-schema.org/draft-04/schema#", **_record(a={"not": True})}, "'not' must be an object"),
])
def test_a_keyword_of_the_wrong_kind_is_one_schema_error(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        Schema.from_payload(schema)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("schema", [
    {"$schema": DRAFT7, **_record(a={"type": "array", "items": [{"type": "integer"}], "additionalItems": False})},
    _record(a={"type": "number", "minimum": 0, "exclusiveMinimum": True}),  # draft 4's spelling, read everywhere
    _record(a={"type": "string", "format": "date", "minimum": "2024-01-01", "maximum": "2024-12-31"}),  # ours
    _record(a={"type": "string", "maxLength": 5.0}),  # 5.0 is a whole number (draft 6 on)
    _record(a=True, b={"not": False}, c={"type": ["integer", "null"], "enum": [1, None]}),
    {"$schema": "http://json-schema.org/draft-04/schema#", **_record(a={"type": "object", "additionalProperties":
                                                                        False})},
])
def test_keywords_of_the_kind_the_meta_schema_allows_are_accepted(schema: dict[str, Any]) -> None:
    Schema.from_payload(schema)


def test_a_reference_that_points_nowhere_is_refused_even_where_the_engine_does_not_look() -> None:
    """Fuzz finding (SDK): `"not": {"$ref": "#/$defs/nope"}` was accepted by the engine (it never follows a `not`)
    and crashed validate's jsonschema (PointerToNowhere, exit 70)."""
    schema = {"type": "object", "properties": {"a": {"not": {"$ref": "#/$defs/nope"}}, "b": {"type": "integer"}}}
    with pytest.raises(SchemaError, match=r"#/properties/a/not: \$ref '#/\$defs/nope' points to nothing"):
        Schema.from_payload(schema)


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"e": {"not": {"$ref": "http://x/y"}}}},  # slow-profile finding (exit 70)
    {"type": "object", "properties": {"e": {"type": "integer", "not": {"$ref": "#/$defs/u"}}},
     "$defs": {"u": {"anyOf": [{"$ref": "other.json"}]}}},  # reached through a local one
])
def test_a_reference_to_another_document_is_checked_where_the_engine_does_not_look(schema: dict[str, Any]) -> None:
    """The engine never follows a `not`; validate's jsonschema does, and a document that is not here crashed it."""
    with pytest.raises(SchemaError, match=r"which is not here \(remote references are never downloaded"):
        Schema.from_payload(schema)


D7 = "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("schema", [  # review findings: each was refused although no validator reads the reference
    {"$schema": D7, "$ref": "#/definitions/a",
     "definitions": {"a": {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}}},
     "properties": {"y": {"not": {"$ref": "missing.json"}}}},  # beside a $ref: hidden
    {"$schema": D7, "type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}},
     "dependentSchemas": {"x": {"not": {"$ref": "missing.json"}}}},  # a keyword draft 7 does not have
    {"type": "object", "required": ["t"], "properties": {"t": {"type": "string", "enum": ["a", "b"], "not": {
        "$ref": "https://json-schema.org/draft/2020-12/meta/validation#/$defs/simpleTypes"}}}},  # a vocabulary's
])
def test_references_no_validator_follows_are_let_be(schema: dict[str, Any]) -> None:
    from agentic_synth import AgenticSynth
    from agentic_synth.entrypoints.cli.validate import record_checker

    records = AgenticSynth().generate("structured", schema=schema, count=5, seed=1).records
    check = record_checker(Schema.from_payload(schema))
    assert len(records) == 5 and [v for r in records for v in check(r)] == []


def test_a_dynamic_reference_to_a_document_that_is_not_here_is_refused_up_front() -> None:
    """It was accepted, then the engine's jsonschema check crashed on it (exit 70)."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["a"],
              "properties": {"a": {"type": "string", "not": {"$dynamicRef": "missing.json#x"}}}}
    with pytest.raises(SchemaError, match=r"#/properties/a/not: \$ref 'missing.json#x' names .*which is not here"):
        Schema.from_payload(schema)


def test_an_unused_definition_or_a_meta_schema_may_name_another_document(tmp_path: Any) -> None:
    from agentic_synth import AgenticSynth

    schema = {"type": "object", "required": ["e"], "$defs": {"unused": {"$ref": "http://x/y.json"}},
              "properties": {"e": {"type": "integer", "not": {"$ref": "http://json-schema.org/draft-07/schema#"}}}}
    result = AgenticSynth().generate("structured", schema=schema, count=5, seed=1)
    assert [type(r["e"]) for r in result.records] == [int] * 5


def test_a_compact_const_object_is_written_and_read_back_in_every_format(tmp_path: Any) -> None:
    """Fuzz finding (SDK): `{"type": "street", "const": {"a": 1}}` failed in Parquet (unhashable type: 'dict')."""
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records

    schema = {"s": {"type": "street", "const": {"a": [1, {"b": 2}]}}, "n": "integer"}
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"o.{fmt}"
        AgenticSynth().generate("structured", schema=schema, count=3, seed=1, output=str(out))
        assert [r["s"] for r in read_records(str(out), Schema.from_payload(schema))] == [{"a": [1, {"b": 2}]}] * 3
    assert Schema.from_payload(schema).to_payload()["s"]["const"] == {"a": [1, {"b": 2}]}


@pytest.mark.parametrize("payload", [
    {"e": [1e-300, -4.3e-252, 9223372036854775807, -1]},  # slow-profile finding: stored as a double in Parquet,
    {"e": {"enum": [0.5, 2**53 + 1]}},                     # 2**63-1 read back as 9.223372036854776e+18
    {"h": {"type": "hash", "pattern": "±X]\U000350a9\x94"}},  # drawn from the pattern, then refused as no token
])
def test_values_read_back_from_every_format_are_those_written_and_valid(tmp_path: Any, payload: Any) -> None:
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records
    from agentic_synth.entrypoints.cli.validate import record_checker

    schema = Schema.from_payload(payload)
    made = AgenticSynth().generate("structured", schema=payload, count=60, seed=2).records
    check = record_checker(schema)
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"o.{fmt}"
        AgenticSynth().generate("structured", schema=payload, count=60, seed=2, output=str(out))
        back = list(read_records(str(out), schema))
        assert back == made and [v for r in back for v in check(r)] == [], fmt
        assert [type(v) for r in back for v in r.values()] == [type(v) for r in made for v in r.values()], fmt


@pytest.mark.parametrize("payload", [
    {"type": "object", "required": ["p"], "properties": {"p": {"type": "string", "pattern": "^[[:alpha:]][a-z]{3}"}}},
    {"p": {"type": "string", "pattern": "[[:alpha:]]x"}},  # compact: drawn by rstr, which parses it per value
])
def test_a_set_holding_a_bracket_makes_no_warning_anywhere(tmp_path: Any, payload: Any) -> None:
    """Slow-profile finding: Python's FutureWarning "Possible nested set" for `[[:alpha:]]` (a literal `[` in a set,
    in ECMA-262 as in Python) reached the user; where warnings are errors the run failed."""
    import re
    import warnings

    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records
    from agentic_synth.entrypoints.cli.validate import record_checker

    re.purge()  # no earlier test's compiled copy: the pattern is parsed afresh
    out = tmp_path / "o.parquet"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AgenticSynth().generate("structured", schema=payload, count=20, seed=1, output=str(out))
        schema = Schema.from_payload(payload)
        check = record_checker(schema)
        rows = list(read_records(str(out), schema))
        assert len(rows) == 20 and [v for r in rows for v in check(r)] == []


def test_a_union_inside_a_union_is_read_back_from_csv_with_its_types(tmp_path: Any) -> None:
    """Slow-profile finding: `oneOf: [{type: [null, integer, boolean], multipleOf: 145}, {type: string, ...}]` came
    back from CSV as the texts '145' and 'false' (the inner union's types were not looked at): invalid."""
    from agentic_synth import AgenticSynth
    from agentic_synth.adapters.readers import read_records
    from agentic_synth.entrypoints.cli.validate import record_checker

    payload = {"type": "object", "required": ["k"], "properties": {"k": {"oneOf": [
        {"type": ["null", "integer", "boolean"], "multipleOf": 145}, {"type": "string", "maxLength": 0}]}}}
    schema = Schema.from_payload(payload)
    out = tmp_path / "o.csv"
    AgenticSynth().generate("structured", schema=payload, count=200, seed=3, output=str(out))
    back = list(read_records(str(out), schema))
    check = record_checker(schema)
    assert len(back) == 200 and [v for r in back for v in check(r)] == []
    assert {type(r["k"]) for r in back} >= {int, bool}
