"""OpenAPI 3.0 schema objects rewritten as JSON Schema 2020-12 (nullable, boolean exclusive bounds, $ref siblings).

The rewrite keeps every node where it was, so JSON pointers into the document still hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("not", "items", "additionalProperties")
_SCHEMA_MAPS = ("properties",)


def openapi30_as_2020(document: Any) -> Any:
    """A copy of an OpenAPI 3.0 document whose schema objects mean the same under JSON Schema 2020-12."""
    if not isinstance(document, Mapping):
        return document
    out = dict(document)
    components = document.get("components")
    if isinstance(components, Mapping) and isinstance(components.get("schemas"), Mapping):
        out["components"] = {**components, "schemas": {k: schema_30_as_2020(v)
                                                       for k, v in components["schemas"].items()}}
    return out


def schema_30_as_2020(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}  # OpenAPI 3.0 ignores the keywords beside a $ref
    out = dict(node)
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "minimum" if key == "exclusiveMinimum" else "maximum"
        if key in out and isinstance(out[key], bool) and out.pop(key) and bound in out:
            out[key] = out.pop(bound)
    if out.pop("nullable", False) is True and "type" in out:
        kind = out["type"]
        out["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]  # an enum keeps its values
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [schema_30_as_2020(s) for s in out[key]]
    for key in _SCHEMA_ONE:
        if isinstance(out.get(key), Mapping):
            out[key] = schema_30_as_2020(out[key])
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), Mapping):
            out[key] = {k: schema_30_as_2020(v) for k, v in out[key].items()}
    return out
