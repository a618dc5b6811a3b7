"""CSV column names: nested objects flattened to dotted names (shared by the CSV sink and the reader)."""

from __future__ import annotations

from agentic_synth.domain.schema.json_schema import varies
from agentic_synth.domain.schema.schema import Field


def flat_columns(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(dotted column name, path of keys) for every leaf; objects are flattened, arrays stay whole (as do
    JSON Schema values whose shape varies: maps, unions, objects with optional keys)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for f in fields:
        name = f"{prefix}{f.name}"
        if f.type == "object" and not varies(f):
            out.extend((n, (f.name, *p)) for n, p in flat_columns(f.fields, name + "."))
        else:
            out.append((name, (f.name,)))
    return out
