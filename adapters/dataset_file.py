"""Read a dataset file (YAML or JSON, by extension) into a Dataset; syntax errors name the file, line and column."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentic_synth.adapters.documents import read_by_suffix
from agentic_synth.domain.dataset.model import Dataset
from agentic_synth.domain.dataset.resolve import parse_dataset
from agentic_synth.domain.errors import UsageError

SUFFIXES = (".yaml", ".yml", ".json")


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} '{path}' not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path.name}: cannot read it: {exc}") from None


def _inline_schemas(payload: Any, base: Path, name: str) -> Any:
    """A table's `schema: users.json` (a path from the dataset file's folder) replaced by that file's fields."""
    tables = payload.get("tables") if isinstance(payload, Mapping) else None
    if not isinstance(tables, Mapping):
        return payload
    out = dict(payload)
    out["tables"] = {}
    for table, spec in tables.items():
        if isinstance(spec, Mapping) and isinstance(spec.get("schema"), str):
            file = Path(spec["schema"]) if os.path.isabs(spec["schema"]) else base / spec["schema"]
            text = _read(file, f"{name}: tables.{table}.schema: file")
            spec = {**spec, "schema": read_by_suffix(text, file, file.name)}
        out["tables"][table] = spec
    return out


def is_dataset_payload(payload: Any) -> bool:
    """A mapping whose `tables` is a mapping: a dataset, not a single schema."""
    return isinstance(payload, Mapping) and isinstance(payload.get("tables"), Mapping)


def read_dataset_file(path: str | os.PathLike[str]) -> Dataset:
    """Parse and check a dataset file; a table's schema may be a file beside it."""
    file = Path(path)
    if file.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{file.name}: a dataset file must end in .yaml, .yml or .json")
    text = _read(file, "dataset file")
    payload = read_by_suffix(text, file, file.name)
    return parse_dataset(_inline_schemas(payload, file.resolve().parent, file.name), source=file.name)


def load_dataset(value: Any) -> Dataset:
    """A Dataset from a Dataset, a mapping in the file's shape, or a path to a dataset file."""
    if isinstance(value, Dataset):
        return value
    if isinstance(value, Mapping):
        return parse_dataset(_inline_schemas(value, Path.cwd(), "dataset"), source="dataset")
    if isinstance(value, str | os.PathLike):
        return read_dataset_file(value)
    raise UsageError(f"dataset: expected a path, a mapping or a Dataset, got {type(value).__name__}")


def peek_dataset(path: str) -> bool:
    """Whether a schema argument is a dataset file (its top level has `tables`), without parsing its tables."""
    file = Path(path)
    if file.suffix.lower() not in SUFFIXES or not file.is_file():
        return False
    try:
        text = file.read_text(encoding="utf-8")
        payload = read_by_suffix(text, file, file.name)
    except (OSError, UnicodeDecodeError, UsageError):
        return False
    return is_dataset_payload(payload)
