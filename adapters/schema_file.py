"""Load a schema from a file path or inline JSON text, with file, line and column on syntax errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.schema import Schema


def read_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


def _parse(payload: Any, allow_empty: bool) -> Schema:
    return Schema(fields=()) if allow_empty and payload == {} else Schema.from_payload(payload)


def load_schema(value: Any, *, allow_empty: bool = False) -> Schema:
    """A Schema from a Schema, a dict, inline JSON text or a path to a .json file.

    `allow_empty` reads `{}` as a schema of no fields (for generators that add fields of their own).
    """
    if isinstance(value, Schema):
        return value
    if isinstance(value, dict):
        return _parse(value, allow_empty)
    if isinstance(value, Path) or (isinstance(value, str) and not value.lstrip().startswith(("{", "["))):
        path = Path(value)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"schema: file '{path}' not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"schema: cannot read '{path}': {exc}") from None
        return _parse(read_json(text, str(path)), allow_empty)
    if isinstance(value, str):
        return _parse(read_json(value, "schema (inline JSON)"), allow_empty)
    raise SchemaError(f"expected a path, JSON text or an object, got {type(value).__name__}")
