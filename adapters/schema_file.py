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


def load_schema(value: Any) -> Schema:
    """A Schema from a Schema, a dict, inline JSON text or a path to a .json file."""
    if isinstance(value, Schema):
        return value
    if isinstance(value, dict):
        return Schema.from_payload(value)
    if isinstance(value, Path) or (isinstance(value, str) and not value.lstrip().startswith(("{", "["))):
        path = Path(value)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"schema: file '{path}' not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"schema: cannot read '{path}': {exc}") from None
        return Schema.from_payload(read_json(text, str(path)))
    if isinstance(value, str):
        return Schema.from_payload(read_json(value, "schema (inline JSON)"))
    raise SchemaError(f"expected a path, JSON text or an object, got {type(value).__name__}")
