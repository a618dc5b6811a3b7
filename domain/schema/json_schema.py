"""JSON Schema (drafts 4 to 2020-12, OpenAPI 3.0/3.1 component schemas) compiled into a record's Fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.documents import DIALECT_URIS, ROOT_URI, Documents, Loader, Location
from agentic_synth.domain.schema.fields import Field, Shape
from agentic_synth.domain.schema.json_compile import Compiler, with_checks
from agentic_synth.domain.schema.json_view import ANNOTATIONS, Empty, Reader, Stop

MAX_DEPTH = 2  # how often a recursive $ref may nest inside itself
_STRUCTURE = frozenset({"$ref", "allOf", "anyOf", "oneOf", "properties", "$defs", "definitions",
                        "additionalProperties", "patternProperties", "if", "required", "not"})
_KEYWORDS = _STRUCTURE | ANNOTATIONS | frozenset({
    "type", "enum", "const", "minProperties", "maxProperties", "propertyNames", "dependentRequired",
    "dependentSchemas", "dependencies", "unevaluatedProperties", "then", "else", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"})


@attrs.frozen
class SchemaSource:
    """The JSON Schema a Schema was compiled from: every document (uri, payload, dialect) and the root's URI."""

    documents: tuple[tuple[str, Any, str], ...] = attrs.field(eq=False, repr=False)
    root: str  # "uri#pointer"

    @property
    def dialect(self) -> str:
        uri = self.root.split("#", 1)[0]
        return next((d for u, _, d in self.documents if u == uri), "draft2020-12")

    @property
    def dialect_uri(self) -> str:
        return DIALECT_URIS.get(self.dialect, DIALECT_URIS["draft2020-12"])


@attrs.frozen
class CompiledRecord:
    """A JSON Schema compiled for records: the fields, the root (a union when records differ in shape)."""

    fields: tuple[Field, ...]
    root: Field
    source: SchemaSource
    notices: tuple[str, ...]
    description: str | None = None


def is_json_schema(payload: Mapping[str, Any]) -> bool:
    """Whether a schema object is JSON Schema (or an OpenAPI document) rather than the compact format."""
    if "$schema" in payload or "openapi" in payload or "$ref" in payload:
        return True
    keys = set(payload)
    if not keys <= _KEYWORDS and not all(k in _KEYWORDS or k.startswith("x-") for k in keys):
        return False
    kind = payload.get("type")
    objectish = kind == "object" or (isinstance(kind, list) and "object" in kind)
    return objectish or bool(keys & _STRUCTURE - {"required", "not"})


def compile_json_schema(payload: Any, *, uri: str = ROOT_URI, loader: Loader | None = None,
                        pointer: str = "") -> CompiledRecord:
    """Compile a record schema; `pointer` picks a subschema (an OpenAPI component, a definition)."""
    docs = Documents(payload, uri, loader)
    start = docs.resolve("#" + pointer, docs.root) if pointer else docs.root
    docs.check_references(start)
    if isinstance(payload, Mapping) and "openapi" in payload and not pointer:
        raise SchemaError("an OpenAPI document holds many schemas: name one, e.g. "
                          "openapi.json#/components/schemas/Pet")
    reader = Reader(docs, MAX_DEPTH)
    compiler = Compiler(reader)
    try:
        root = compiler.compile("record", [start])
    except Stop as exc:
        raise SchemaError(f"every record needs a recursion deeper than {MAX_DEPTH} levels ({exc.detail})",
                          exc.path) from None
    except Empty as exc:
        raise SchemaError(f"no record can satisfy this schema: {exc.detail}", exc.path) from None
    root = _objects_only(root, start)
    if reader.dynamic:
        root = with_checks(root, (start.uri,))
    notices = list(dict.fromkeys(compiler.notices))
    notices += [f"{where}: recursion is cut at depth {MAX_DEPTH} (optional parts left out there)"
                for where in sorted(reader.cut)]
    source = SchemaSource(documents=tuple(docs.items()), root=start.uri)
    desc = start.node.get("description") if isinstance(start.node, Mapping) else None
    return CompiledRecord(fields=record_fields(root), root=root, source=source, notices=tuple(notices),
                          description=str(desc) if desc else None)


def _objects_only(root: Field, start: Location) -> Field:
    """Records are objects: the root's other branches are dropped (a root of another type is an error)."""
    if root.type == "object":
        return root
    if root.type == "union" and root.shape is not None:
        kept = tuple(b for b in root.shape.branches if b.type == "object")
        if kept:
            shape = attrs.evolve(root.shape, branches=kept)
            only = kept[0] if len(kept) == 1 and not shape.checks else None
            return only or attrs.evolve(root, nullable=False, null_rate=0.0, shape=shape)
    kind = "null" if root.type == "const" and root.const is None else root.type
    raise SchemaError(f"records are JSON objects, and this schema allows no object (it describes {kind} values)",
                      start.where)


def record_fields(root: Field) -> tuple[Field, ...]:
    """The columns of the records: the root's properties, over all its branches when it is a union."""
    if root.type == "object":
        return root.fields
    out: dict[str, Field] = {}
    assert root.shape is not None
    for branch in root.shape.branches:
        for f in record_fields(branch):
            if f.name not in out:
                out[f.name] = f
            elif out[f.name] != f:
                out[f.name] = _either(out[f.name], f)
    return tuple(out.values())


def _either(a: Field, b: Field) -> Field:
    branches = (*(a.shape.branches if a.type == "union" and a.shape else (a,)), b)
    return Field(name=a.name, type="union", required=a.required and b.required,
                 shape=Shape(branches=branches, presence=min(_presence(a), _presence(b))))


def _presence(f: Field) -> float:
    return f.shape.presence if f.shape else 1.0


def varies(f: Field) -> bool:
    """Whether a JSON Schema field's values change shape between records (a union, a map, a tuple, an object
    with optional keys): tables (Parquet) keep such values as JSON text, readers parse them back."""
    shape = f.shape
    if shape is None:
        return False
    if f.type == "union" or (f.type == "time" and f.format == "rfc3339"):
        return True
    if f.type == "object":
        return shape.additional is not None or bool(shape.patterns) or any(
            not c.required or _presence(c) < 1.0 for c in f.fields)
    if f.type == "array":
        return bool(shape.prefix) or shape.contains is not None
    return False


def simple_root(root: Field) -> bool:
    """Whether records can be made column by column with every property present (the fast path)."""
    shape = root.shape
    if root.type != "object":
        return False
    if shape is None:
        return True
    return not shape.checks and not shape.depends and shape.max_properties is None and \
        shape.min_properties <= len(root.fields) and all(_presence(f) >= 1.0 for f in root.fields)


__all__ = ["CompiledRecord", "Empty", "SchemaSource", "compile_json_schema", "is_json_schema", "record_fields",
           "simple_root", "varies", "with_checks"]
