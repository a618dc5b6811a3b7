"""JSON Schema compiled to fields: what is accepted, what is refused (with keyword and JSON pointer), and the
records it makes, judged by the real `jsonschema` library (declared draft, formats checked)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema, is_json_schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture(scope="module")
def synth() -> AgenticSynth:
    return AgenticSynth()


def records(synth: AgenticSynth, schema: dict[str, Any], count: int = 80, seed: int = 3) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = synth.generate("structured", schema=schema, count=count, seed=seed).records
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for record in made:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, f"{errors[0]} in {record}"
    return made


def error_of(schema: dict[str, Any]) -> str:
    with pytest.raises(SchemaError) as caught:
        Schema.from_payload(schema)
    message = str(caught.value)
    assert "\n" not in message
    return message


def obj(properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"$schema": DRAFT, "type": "object", "properties": properties, **more}


def test_a_ref_to_a_missing_definition_is_refused_naming_the_ref_and_where_it_is() -> None:
    message = error_of(obj({"a": {"$ref": "#/$defs/nothing"}}))
    assert message == "schema: #/properties/a: $ref '#/$defs/nothing' points to nothing (no '$defs')"


def test_an_empty_allof_intersection_is_refused_with_the_reason() -> None:
    message = error_of(obj({"a": {"allOf": [{"type": "string"}, {"type": "integer"}]}}, required=["a"]))
    assert message.startswith("schema: #/properties/a/allOf/1: ")
    assert "allOf: the types ['string'] and ['integer'] have nothing in common" in message


def test_recursion_is_cut_with_a_notice_and_a_recursion_every_record_needs_is_refused() -> None:
    linked = obj({"value": {"type": "integer"}, "next": {"$ref": "#"}}, required=["value"])
    schema = Schema.from_payload(linked)
    assert schema.notices == ("#: recursion is cut at depth 2 (optional parts left out there)",)
    always = obj({"next": {"$ref": "#"}}, required=["next"])
    assert "every record needs a recursion deeper than 2 levels" in error_of(always)


def test_a_recursive_tree_makes_finite_valid_records(synth: AgenticSynth) -> None:
    tree = obj({"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}},
               required=["name"])
    made = records(synth, tree, 100)

    def depth(node: dict[str, Any]) -> int:
        return 1 + max((depth(c) for c in node.get("children", [])), default=0)
    assert max(map(depth, made)) == 3  # the root and two nested levels


def test_unknown_formats_are_plain_strings_with_a_notice() -> None:
    schema = Schema.from_payload(obj({"a": {"type": "string", "format": "x-colour"}}))
    assert schema.notices == ("#/properties/a: format 'x-colour' is not one we know; its values are plain strings",)


def test_unsupported_keywords_are_refused_up_front_with_their_pointer() -> None:
    assert error_of(obj({"a": {"$recursiveRef": "#"}})) == \
        "schema: #/properties/a: $recursiveRef (draft 2019-09) is not supported (use $ref)"
    assert error_of({"$schema": "http://json-schema.org/draft-03/schema#", "type": "object"}) == \
        "schema: #/$schema: JSON Schema draft 3 is not supported (drafts 4, 6, 7, 2019-09 and 2020-12 are)"


def test_a_root_that_allows_no_object_is_refused() -> None:
    assert error_of({"$schema": DRAFT, "type": "string"}) == \
        "schema: #: records are JSON objects, and this schema allows no object (it describes string values)"


def test_a_pattern_that_python_cannot_read_is_refused_naming_it() -> None:
    message = error_of(obj({"a": {"type": "string", "pattern": "^\\p{L}+$"}}))
    assert message.startswith("schema: #/properties/a: pattern '^\\\\p{L}+$' is not a regular expression")


def test_maps_property_names_and_pattern_properties_make_matching_keys(synth: AgenticSynth) -> None:
    schema = obj({
        "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 12},
                   "propertyNames": {"pattern": "^[a-z]{3,8}$"}, "minProperties": 1, "maxProperties": 4},
        "ports": {"type": "object", "patternProperties": {"^p[0-9]+$": {"type": "integer", "minimum": 1}},
                  "additionalProperties": False, "minProperties": 2},
    }, required=["labels", "ports"])
    made = records(synth, schema)
    sizes = {len(r["labels"]) for r in made}
    assert sizes == {1, 2, 3, 4}


def test_oneof_records_match_exactly_one_branch(synth: AgenticSynth) -> None:
    schema = obj({"step": {"type": "object", "properties": {"uses": {"type": "string"}, "run": {"type": "string"},
                                                            "name": {"type": "string"}},
                           "oneOf": [{"required": ["uses"]}, {"required": ["run"]}], "additionalProperties": False}},
                 required=["step"])
    made = records(synth, schema)
    assert {("uses" in r["step"], "run" in r["step"]) for r in made} == {(True, False), (False, True)}


def test_if_then_else_on_a_discriminator(synth: AgenticSynth) -> None:
    key = {"type": "object", "required": ["kty"], "properties": {"kty": {"enum": ["EC", "RSA"]}},
           "if": {"properties": {"kty": {"const": "EC"}}},
           "then": {"required": ["crv"], "properties": {"crv": {"enum": ["P-256", "P-384"]}}},
           "else": {"required": ["n"], "properties": {"n": {"type": "string", "minLength": 4}}}}
    made = records(synth, obj({"key": key}, required=["key"]))
    assert {r["key"]["kty"] for r in made} == {"EC", "RSA"}
    assert all(("crv" in r["key"]) == (r["key"]["kty"] == "EC") for r in made)


def test_not_dependencies_and_consts(synth: AgenticSynth) -> None:
    schema = obj({"a": {"type": "integer", "not": {"enum": [1, 2, 3]}, "minimum": 1, "maximum": 5},
                  "card": {"type": "string"}, "cvv": {"type": "string", "pattern": "^[0-9]{3}$"},
                  "kind": {"const": "payment"}},
                 required=["a", "kind"], dependentRequired={"card": ["cvv"]})
    made = records(synth, schema)
    assert {r["a"] for r in made} == {4, 5}


def test_integers_with_a_fractional_multiple_of_are_whole_and_pass_the_float_test(synth: AgenticSynth) -> None:
    made = records(synth, obj({"n": {"type": "integer", "multipleOf": 0.5, "minimum": 0, "maximum": 100},
                               "m": {"type": "integer", "multipleOf": 0.3}}, required=["n", "m"]))
    assert all(isinstance(r["n"], int) and isinstance(r["m"], int) for r in made)


def test_a_pattern_with_length_bounds_holds_both(synth: AgenticSynth) -> None:
    made = records(synth, obj({"code": {"type": "string", "pattern": "^[A-Z][a-z0-9_]*$", "minLength": 4,
                                        "maxLength": 6}}, required=["code"]))
    assert {len(r["code"]) for r in made} == {4, 5, 6}


def test_every_format_of_draft_2020_12_and_openapi_makes_valid_values(synth: AgenticSynth) -> None:
    formats = ["date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4",
               "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer",
               "relative-json-pointer", "regex", "byte", "binary", "password"]
    schema = obj({f: {"type": "string", "format": f} for f in formats}, required=formats)
    assert not Schema.from_payload(schema).notices
    records(synth, schema, 150)


def test_openapi_30_nullable_and_boolean_exclusive_bounds(synth: AgenticSynth) -> None:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"Pet": {
        "type": "object", "required": ["id", "tag"],
        "properties": {"id": {"type": "integer", "format": "int64", "minimum": 0, "exclusiveMinimum": True},
                       "tag": {"type": "string", "nullable": True}, "weight": {"type": "number", "format": "float"}}}}}}
    schema = Schema.from_payload(document, pointer="/components/schemas/Pet")
    made = synth.generate("structured", schema=schema, count=300, seed=1).records
    assert min(r["id"] for r in made) >= 1
    assert None in {r["tag"] for r in made}
    assert error_of(document).endswith("name one, e.g. openapi.json#/components/schemas/Pet")


def test_type_unions_typeless_subschemas_and_annotations(synth: AgenticSynth) -> None:
    schema = obj({"flag": {"type": ["boolean", "number"]}, "any": {}, "min": {"minimum": 1.1},
                  "old": {"type": "string", "deprecated": True, "readOnly": True, "example": "x", "$comment": "c"},
                  "nothing": {"type": "null"}, "tuple": {"type": "array", "maxItems": 2.0}},
                 required=["flag", "any", "min", "old", "nothing", "tuple"])
    made = records(synth, schema)
    assert {type(r["flag"]) for r in made} == {bool, float}
    assert {r["nothing"] for r in made} == {None}


def test_the_compact_format_is_still_told_apart_from_json_schema() -> None:
    assert not is_json_schema({"type": "string", "name": "name"})
    assert not is_json_schema({"title": "string", "tags": {"type": "array", "items": "word"}})
    assert is_json_schema({"type": "object", "properties": {"a": {"type": "string"}}})
    assert is_json_schema({"$ref": "#/$defs/a", "$defs": {"a": {"type": "object"}}})
