"""The schema model: compact format, JSON Schema, and one-line errors that name the path."""

from __future__ import annotations

import pytest

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema


def test_compact_format_from_the_specification_parses_into_typed_fields() -> None:
    schema = Schema.from_payload({"timestamp": "datetime",
                                  "temperature": {"type": "number", "min": -20, "max": 40}})
    assert schema.names == ("timestamp", "temperature")
    assert schema.field("temperature").min == -20
    assert schema.field("temperature").max == 40
    assert schema.field("timestamp").type == "datetime"


@pytest.mark.parametrize(("payload", "message"), [
    ({"temperature": {"type": "number", "min": 40, "max": -20}},
     "schema: temperature: min (40) is greater than max (-20)"),
    ({"t": "numbr"}, "schema: t: unknown type 'numbr' (did you mean 'number'?)"),
    ({"t": {"type": "number", "mni": 3}}, "schema: t: unknown option 'mni' (did you mean 'min'?)"),
    ({"p": {"enum": ["a", "b"], "weights": [1]}}, "schema: p: weights must be a list of 2 numbers, one per enum value"),
    ({"a": {"b": {"type": "integer", "min": 5, "max": 1}}}, "schema: a.b: min (5) is greater than max (1)"),
    ({"x": {"type": "datetime", "after": "y"}}, "schema: x: 'after' names 'y', which is not a field here"),
    ({"n": {"type": "number", "null_rate": 2}}, "schema: n: null_rate must be between 0 and 1, got 2"),
    ({"s": {"type": "string", "pattern": "("}}, "schema: s: pattern '(' is not a valid regular expression"),
    ({"n": {"type": "integer", "min": 1, "max": 3, "multiple_of": 5}},
     "schema: n: no multiple of 5 lies between min (1) and max (3)"),
    ({"n": {"type": "number", "max": -1, "multiple_of": 5000}},
     "schema: n: no multiple of 5000 lies between min (-1001) and max (-1)"),
    ({"n": {"type": "integer", "min": 0, "max": 5, "exclusiveMinimum": True, "exclusiveMaximum": True,
            "multiple_of": 5}}, "schema: n: no multiple of 5 lies between min (0) and max (5)"),
    ({"d": {"type": "date", "after": "d"}}, "schema: d: 'after' names the field itself"),
    ({"n": {"type": "integer", "nullable": "yes"}}, "schema: n: nullable must be true or false, got 'yes'"),
    ({"n": {"type": "integer", "unique": "false"}}, "schema: n: unique must be true or false, got 'false'"),
])
def test_invalid_schemas_are_rejected_with_the_path_and_the_problem(payload: dict, message: str) -> None:
    with pytest.raises(SchemaError) as err:
        Schema.from_payload(payload)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_json_schema_subset_maps_types_formats_bounds_and_nullability() -> None:
    schema = Schema.from_payload({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["id", "email"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "email": {"type": "string", "format": "email"},
            "age": {"type": ["integer", "null"], "minimum": 0, "exclusiveMaximum": 130},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "maxItems": 2,
                     "uniqueItems": True},
            "address": {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}},
        },
    })
    age = schema.field("age")
    assert (schema.field("id").type, schema.field("email").type) == ("uuid", "email")
    assert (age.type, age.nullable, age.min, age.max, age.exclusive_max) == ("integer", True, 0, 130, True)
    assert age.required is False
    tags = schema.field("tags")
    assert tags.items is not None and tags.items.type == "enum" and tags.max_items == 2 and tags.unique_items
    assert schema.field("address").fields[0].pattern == "^[0-9]{5}$"


def test_canonical_payload_does_not_depend_on_key_order() -> None:
    a = Schema.from_payload({"x": {"type": "integer", "min": 1, "max": 5}, "y": "name",
                             "p": {"enum": ["a", "b"], "weights": [3, 1]},
                             "o": {"d": {"type": "date", "min": "2024-01-01"}}})
    b = Schema.from_payload({"x": {"max": 5, "min": 1, "type": "integer"}, "y": "name",
                             "p": {"weights": [3, 1], "enum": ["a", "b"]},
                             "o": {"d": {"min": "2024-01-01", "type": "date"}}})
    assert a.to_payload() == b.to_payload()
    assert Schema.from_payload(a.to_payload()) == a
