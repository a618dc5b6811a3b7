"""Schema: the user's description of a record, parsed from the compact format or JSON Schema.

The field value lives in domain/schema/fields.py, the compact parser in domain/schema/compact.py (with
domain/schema/bounds.py) and the JSON Schema subset in domain/schema/json_schema.py; the names other
modules use are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.bounds import parse_temporal
from agentic_synth.domain.schema.compact import canonical_type, check_siblings, parse_compact, parse_fields
from agentic_synth.domain.schema.documents import ROOT_URI, Loader
from agentic_synth.domain.schema.fields import (
    DATETIME_FORMATS,
    DISTRIBUTIONS,
    MODEL_KEYS,
    Distribution,
    Field,
    field_to_payload,
    thaw,
)
from agentic_synth.domain.schema.json_schema import SchemaSource, compile_json_schema, is_json_schema
from agentic_synth.domain.schema.limits import check_document, check_fields

__all__ = ["DATETIME_FORMATS", "DISTRIBUTIONS", "MODEL_KEYS", "Distribution", "Field", "Schema", "SchemaSource",
           "canonical_type", "field_to_payload", "is_json_schema", "parse_fields", "parse_temporal", "thaw"]


@attrs.frozen
class Schema:
    """An ordered set of fields: the shape of every generated record."""

    fields: tuple[Field, ...]
    description: str | None = None
    # JSON Schema only: the root (a union when records differ in shape), the source, and notices
    root: Field | None = None
    source: SchemaSource | None = attrs.field(default=None, eq=False)
    notices: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def first_of_type(self, *types: str) -> Field | None:
        return next((f for f in self.fields if f.type in types), None)

    @classmethod
    def from_payload(cls, payload: Any, *, uri: str = ROOT_URI, loader: Loader | None = None,
                     pointer: str = "") -> Schema:
        """Parse the compact format or JSON Schema; raise SchemaError naming the path.

        For JSON Schema, `uri` is where the document lives (relative `$ref`s resolve against it),
        `loader` reads the other documents it references, and `pointer` picks a subschema of it.
        """
        if isinstance(payload, Schema):
            return payload
        if not isinstance(payload, Mapping):
            raise SchemaError(f"expected an object of fields, got {type(payload).__name__}")
        check_document(payload)  # depth and Unicode, before a parser recurses into it (domain/schema/limits.py)
        if pointer or is_json_schema(payload):
            compiled = compile_json_schema(payload, uri=uri, loader=loader, pointer=pointer)
            check_fields(compiled.fields)
            return cls(fields=compiled.fields, description=compiled.description, root=compiled.root,
                       source=compiled.source, notices=compiled.notices)
        if not payload:
            raise SchemaError("the schema has no fields")
        fields = tuple(parse_compact(name, spec, name) for name, spec in payload.items())
        check_siblings(fields, "")
        check_fields(fields)
        return cls(fields=fields)

    def to_payload(self) -> dict[str, Any]:
        """The canonical compact form: key-order independent, used for hashing and prompts."""
        return {f.name: field_to_payload(f) for f in self.fields}

