"""The JSON Schema subset: an object with `properties` (nested objects, arrays, formats) parsed into Fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.compact import build_field, check_siblings
from agentic_synth.domain.schema.fields import Field

_IGNORED_JSON_SCHEMA_KEYS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                                       "examples", "additionalProperties", "definitions", "$defs"})


def is_json_schema(payload: Mapping[str, Any]) -> bool:
    """Whether a schema object is JSON Schema (`$schema`, or type object with properties) rather than compact."""
    return "$schema" in payload or (payload.get("type") == "object" and isinstance(payload.get("properties"), Mapping))


def parse_json_schema(payload: Mapping[str, Any]) -> tuple[tuple[Field, ...], str | None]:
    """The fields and description of a JSON Schema object; SchemaError names the path."""
    props = payload.get("properties")
    if payload.get("type", "object") != "object" or not isinstance(props, Mapping) or not props:
        raise SchemaError("a JSON Schema must be an object with 'properties'")
    required = _required(payload.get("required", list(props)), "")
    fields = tuple(_json_schema_field(n, s, n, n in required) for n, s in props.items())
    check_siblings(fields, "")
    desc = payload.get("description")
    return fields, (str(desc) if desc else None)


def _required(value: Any, path: str) -> set[str]:
    """`required`: a list of property names (anything else is refused, not iterated)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"'required' must be a list of property names, got {value!r}"[:200], path or "<root>")
    return set(value)


def _json_schema_field(name: str, spec: Any, path: str, required: bool) -> Field:
    if not isinstance(spec, Mapping):
        raise SchemaError(f"a property must be an object, got {spec!r}", path)
    spec = {k: v for k, v in spec.items() if k not in _IGNORED_JSON_SCHEMA_KEYS or k == "description"}
    if spec.get("type") == "object" or (isinstance(spec.get("type"), list) and "object" in spec["type"]):
        props = spec.pop("properties", None)
        req = _required(spec.pop("required", list(props) if isinstance(props, Mapping) else []), path)
        if not isinstance(props, Mapping) or not props:
            raise SchemaError("an object needs 'properties'", path)
        children = tuple(_json_schema_field(n, s, f"{path}.{n}", n in req) for n, s in props.items())
        base = build_field(name, {**spec, "fields": {"_": "string"}}, path)
        return attrs.evolve(base, fields=children, required=required)
    items = spec.pop("items", None)
    if items is not None:
        child = _json_schema_field("items", items, f"{path}.items", True)
        base = build_field(name, {**spec, "items": "string"}, path)
        return attrs.evolve(base, items=child, required=required)
    return attrs.evolve(build_field(name, spec, path), required=required)

