"""The shape of each JSON Schema keyword's value, as the dialect's meta-schema requires it.

A schema whose keywords hold the wrong kind of value (`"properties": null`, `"anyOf": []`, `"items":
[...]` in 2020-12, `"required": "a"`) is refused up front in one line, before either the engine or
`validate` reads it: the engine would otherwise guess (or skip the keyword) while the jsonschema
library that `validate` uses crashes on it or judges every value wrong. Checked for every schema
object of every document (domain/schema/documents.py calls `check_keywords` as it registers one);
`format` values and regular expressions are not judged here (the meta-schemas leave them open).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.errors import SchemaError

SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_ONE = ("additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "unevaluatedProperties",
        "unevaluatedItems", "contentSchema", "additionalItems")
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LISTS = ("allOf", "anyOf", "oneOf")
_COUNTS = ("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties", "maxContains",
           "minContains")
_TEXTS = ("$ref", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "pattern", "format", "title", "description")
_FLAGS = ("uniqueItems", "readOnly", "writeOnly", "deprecated")
_OLD_ITEMS = frozenset({"draft4", "draft6", "draft7", "draft2019-09"})  # `items` may still be a list of schemas
_OBJECTS_ONLY = frozenset({"draft4", "openapi3.0"})  # no true/false schemas
_LATER_THAN_4 = frozenset({"const", "contains", "propertyNames", "if", "then", "else"})
_LATER_THAN_7 = frozenset({"dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
                           "minContains", "maxContains", "$anchor"})
# Keywords a dialect does not have: the jsonschema library ignores them there, and so do we.
UNKNOWN = {
    "draft4": _LATER_THAN_4 | _LATER_THAN_7 | {"prefixItems", "$dynamicRef"},
    "openapi3.0": _LATER_THAN_4 | _LATER_THAN_7 | {"prefixItems", "$dynamicRef"},
    "draft6": frozenset({"if", "then", "else"}) | _LATER_THAN_7 | {"prefixItems", "$dynamicRef"},
    "draft7": _LATER_THAN_7 | {"prefixItems", "$dynamicRef"},
    "draft2019-09": frozenset({"prefixItems", "$dynamicRef"}),
    "draft2020-12": frozenset({"dependencies", "additionalItems"}),
}


def check_keywords(node: Mapping[str, Any], where: str, dialect: str) -> None:
    """One schema object's keywords (not the schemas inside it: the caller walks those); SchemaError at `where`."""
    def fail(key: str, expected: str) -> None:
        value = node[key]
        shown = "null" if value is None else repr(value) if not isinstance(value, Mapping | list) else (
            "an object" if isinstance(value, Mapping) else f"a list of {len(value)}" if value else "an empty list")
        raise SchemaError(f"'{key}' must be {expected}, got {shown[:60]}", where)

    def schema(value: Any) -> bool:
        return isinstance(value, Mapping) or (isinstance(value, bool) and dialect not in _OBJECTS_ONLY)

    objects = "an object" if dialect in _OBJECTS_ONLY else "a schema (an object, true or false)"
    for key in _ONE:
        flag = isinstance(node.get(key), bool) and key in ("additionalProperties", "additionalItems")
        if key in node and not schema(node[key]) and not flag:  # draft 4 takes true/false in those two only
            fail(key, objects)
    for key in _MAPS:
        if key in node and not (isinstance(node[key], Mapping) and all(schema(v) for v in node[key].values())):
            fail(key, f"an object whose every value is {objects}")
    for key in _LISTS:
        if key in node and not (isinstance(node[key], list) and node[key] and all(schema(v) for v in node[key])):
            fail(key, "a non-empty list of schemas")
    if "prefixItems" in node and not (isinstance(node["prefixItems"], list) and node["prefixItems"]
                                      and all(schema(v) for v in node["prefixItems"])):
        fail("prefixItems", "a non-empty list of schemas")
    if "items" in node:
        items = node["items"]
        listed = dialect in _OLD_ITEMS and isinstance(items, list) and all(schema(v) for v in items)
        if not (schema(items) or listed):
            fail("items", objects + (" or a list of schemas" if dialect in _OLD_ITEMS else
                                     " (a list of schemas is 'prefixItems' since draft 2020-12)"))
    if "type" in node:
        kind = node["type"]
        names = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else None
        if names is None or (not names and dialect == "draft4") or not all(isinstance(n, str) and n in SIMPLE_TYPES
                                                                         for n in names) or _repeats(names):
            fail("type", "one of " + ", ".join(sorted(SIMPLE_TYPES)) + ", or a list of them without repeats")
    if "enum" in node and not (isinstance(node["enum"], list) and (node["enum"] or dialect not in ("draft4",
                                                                                                  "draft6"))):
        fail("enum", "a list of values")
    if "required" in node:
        required = node["required"]
        if not (isinstance(required, list) and all(isinstance(r, str) for r in required)) or _repeats(required):
            fail("required", "a list of property names without repeats")
    for key in ("minimum", "maximum"):  # ours too: an ISO date or time bounds a date/time string
        if key in node and not (_number(node[key]) or isinstance(node[key], str)):
            fail(key, "a number (or an ISO date or time)")
    for key in ("exclusiveMinimum", "exclusiveMaximum"):  # true/false as in draft 4 is read in every dialect
        if key in node and not (_number(node[key]) or isinstance(node[key], bool)):
            fail(key, "a number, or true or false")
    if "multipleOf" in node and not (_number(node["multipleOf"]) and node["multipleOf"] > 0):
        fail("multipleOf", "a number above 0")
    for key in _COUNTS:
        if key in node and not _count(node[key], whole_floats=dialect != "draft4"):
            fail(key, "a whole number >= 0")
    for key in _TEXTS:
        if key in node and not isinstance(node[key], str):
            fail(key, "text")
    for key in _FLAGS:
        if key in node and not isinstance(node[key], bool):
            fail(key, "true or false")
    if "dependentRequired" in node and not (isinstance(node["dependentRequired"], Mapping) and all(
            _names(v) for v in node["dependentRequired"].values())):
        fail("dependentRequired", "an object whose every value is a list of property names")
    if "dependencies" in node and not (isinstance(node["dependencies"], Mapping) and all(
            schema(v) or _names(v) for v in node["dependencies"].values())):
        fail("dependencies", "an object whose every value is a schema or a list of property names")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _count(value: Any, *, whole_floats: bool) -> bool:
    if isinstance(value, bool) or not _number(value) or value < 0:
        return False
    return isinstance(value, int) or (whole_floats and float(value).is_integer())


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value) and not _repeats(value)


def _repeats(texts: list[str]) -> bool:
    return len(set(texts)) != len(texts)
