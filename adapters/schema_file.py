"""Load a schema from a file path or inline JSON text, with file, line and column on syntax errors."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from agentic_synth.adapters.python_types import model_class_of
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.python_types import schema_from_type
from agentic_synth.domain.schema.schema import Schema


@functools.cache
def _yaml_loader() -> Any:
    """A SafeLoader without implicit dates: `min: 2024-01-01` stays the text the schema parser reads."""
    import yaml  # imported when a YAML file is read, not at start-up

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def read_yaml(text: str, source: str) -> Any:
    """Safe YAML (dates stay text); a syntax error names the source, line and column."""
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader without dates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise UsageError(f"{source}: invalid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{source}: invalid YAML: {exc}") from None


def read_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise UsageError(f"{source}: JSON nested too deeply to read") from None
    except ValueError as exc:  # an integer over Python's digit limit
        raise UsageError(f"{source}: unreadable JSON: {str(exc).split(';')[0]}") from None


def load_schema(value: Any) -> Schema:
    """A Schema from a Schema, a dict, a model class (or `module:Class`), inline JSON text or a .json file."""
    if isinstance(value, Schema):
        return value
    if isinstance(value, dict):
        return Schema.from_payload(value)
    model = model_class_of(value)  # a pydantic model, dataclass or attrs class, or `module:Class`
    if model is not None:
        return schema_from_type(model)
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
