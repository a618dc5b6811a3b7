"""Load a schema from a file path (JSON or YAML, `#/pointer` allowed) or inline JSON, and the files it references."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from agentic_synth.adapters.documents import read_by_suffix, read_json
from agentic_synth.adapters.python_types import model_class_of
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.limits import check_fields
from agentic_synth.domain.schema.python_types import schema_from_type
from agentic_synth.domain.schema.schema import Schema


def read_document(path: Path) -> Any:
    """A JSON or YAML file's content (YAML for .yaml/.yml), with file, line and column on syntax errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"schema: file '{path}' not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"schema: cannot read '{path}': {exc}") from None
    return read_by_suffix(text, path, str(path))


class SiblingFiles:
    """Reads the documents a schema references: file URIs and relative paths, and a remote URL's file name
    next to the schema (SchemaStore style); nothing is ever downloaded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, uri: str) -> Any:
        parts = urlsplit(uri)
        if parts.scheme == "file":
            candidate = Path(unquote(parts.path))
        elif parts.scheme in ("http", "https"):
            candidate = self.folder / Path(unquote(parts.path)).name
        elif not parts.scheme:
            candidate = self.folder / unquote(parts.path)
        else:
            return None
        return read_document(candidate) if candidate.is_file() else None


def _split(value: str) -> tuple[Path, str]:
    """`file.json#/components/schemas/Pet` -> the path and the pointer (a file named with '#' still works)."""
    if "#" in value and not Path(value).exists():
        path, _, pointer = value.partition("#")
        return Path(path), pointer
    return Path(value), ""


def _parse(payload: Any, allow_empty: bool, **where: Any) -> Schema:
    return Schema(fields=()) if allow_empty and payload == {} else Schema.from_payload(payload, **where)


def load_schema(value: Any, *, allow_empty: bool = False) -> Schema:
    """A Schema from a Schema, a dict, a model class (or `module:Class`), inline JSON text or a path to a
    .json/.yaml file (with a #/pointer).

    `allow_empty` reads `{}` as a schema of no fields (for generators that add fields of their own).
    """
    if isinstance(value, Schema):
        check_fields(value.fields)  # made in code: the limits the schema formats check as they read
        return value
    if isinstance(value, dict):
        return _parse(value, allow_empty, loader=SiblingFiles(Path.cwd()))
    if isinstance(value, str | Path) and "\x00" in str(value):  # no file name holds one (the OS refuses it)
        raise UsageError("schema: a NUL character can be neither in a file name nor raw in JSON text")
    model = model_class_of(value)  # a pydantic model, dataclass or attrs class, or `module:Class`
    if model is not None:
        return schema_from_type(model)
    if isinstance(value, Path) or (isinstance(value, str) and not value.lstrip().startswith(("{", "["))):
        path, pointer = _split(str(value))
        payload = read_document(path)
        resolved = path.resolve()
        return _parse(payload, allow_empty, uri=resolved.as_uri(), loader=SiblingFiles(resolved.parent),
                      pointer=pointer)
    if isinstance(value, str):
        return _parse(read_json(value, "schema (inline JSON)"), allow_empty, loader=SiblingFiles(Path.cwd()))
    raise SchemaError(f"expected a path, JSON text or an object, got {type(value).__name__}")
