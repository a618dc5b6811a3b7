"""Read records back from json, jsonl, csv and parquet files (for `validate`), streaming."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.documents import is_file
from agentic_synth.adapters.sinks.csv_names import flat_columns
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.adapters.sinks.formula import unprotect
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.schema.json_schema import varies
from agentic_synth.domain.schema.schema import Field, Schema, thaw
from agentic_synth.domain.schema.types import STRING_VALUED_TYPES

_INT_TYPES = {"integer"}
_FLOAT_TYPES = {"number", "amount", "latitude", "longitude"}
_EPOCH_SCALE = {"epoch": 1, "epoch_ms": 1000}  # datetime formats written as whole seconds / milliseconds


def read_records(path: str, schema: Schema) -> Iterator[dict[str, Any]]:
    """Rows of a data file as JSON-like dicts, typed by the schema where the format is untyped."""
    p = Path(path)
    if not is_file(p):
        raise UsageError(f"data file '{path}' not found")
    fmt = resolve_format(path, None)
    if fmt == "jsonl":
        yield from _jsonl(p)
    elif fmt == "json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text: {exc.reason}") from None
        if not isinstance(data, list):
            raise UsageError(f"{path}: expected a JSON array of records")
        yield from data
    elif fmt == "csv":
        yield from _csv(p, schema)
    else:
        yield from _parquet(p, schema)


def _jsonl(p: Path) -> Iterator[dict[str, Any]]:
    with p.open("rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise UsageError(f"{p}: line {lineno}: invalid JSON: {exc}") from None


def _coerce(text: str, f: Field) -> Any:
    if text == "":  # an empty cell is null, unless the field's only way to be empty is the text ""
        if f.type in ("enum", "const"):
            return "" if not f.nullable and "" in _candidates(f) else None
        if f.nullable or not f.required:
            return None  # (an optional JSON Schema property: left out, see _present)
        return "" if f.type in STRING_VALUED_TYPES else None  # a text that may be empty, and may not be null
    text = unprotect(text)  # the CSV sink's formula protection, undone exactly
    try:
        if f.type in _INT_TYPES or (f.type == "datetime" and f.format in _EPOCH_SCALE):
            return int(text)
        if f.type in _FLOAT_TYPES:
            return float(text)
        if f.type == "boolean":
            return {"true": True, "false": False}.get(text.lower(), text)
        if f.type == "array" or (f.type in ("enum", "const") and text[:1] in "[{") or (
                varies(f) and text[:1] in "[{"):
            return json.loads(text)
        if f.type in ("enum", "const"):
            return _enum_value(text, f)
        if f.type == "union" and f.shape is not None:
            for branch in f.shape.branches:  # a branch of fixed values (oneOf [{const: true}, ...]) first
                if branch.type in ("enum", "const") and not isinstance(value := _enum_value(text, branch), str):
                    return value
            return _union_value(text, _kinds(f))
    except ValueError:
        return text
    return text


def _kinds(f: Field) -> set[str]:
    """The types a union's values may have, those of unions inside it too (oneOf [{type: [integer, boolean]}])."""
    if f.type != "union" or f.shape is None:
        return {f.type}
    return set().union(*(_kinds(branch) for branch in f.shape.branches))


def _union_value(text: str, kinds: set[str]) -> Any:
    """A cell of a field of several types (JSON Schema `type: [...]`, anyOf...), read as the first of its types
    the text spells: a boolean, then a whole number, then a number; text otherwise."""
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    if kinds & _INT_TYPES:
        try:
            return int(text)
        except ValueError:
            pass
    if kinds & _FLOAT_TYPES:
        try:
            return float(text)
        except ValueError:
            pass
    return text


def _candidates(f: Field) -> list[Any]:
    return [thaw(v) for v in (*f.values, *([f.const] if f.has_const else []))]


def _enum_value(text: str, f: Field) -> Any:
    """The enum value (or const) whose text is `text` (a boolean's in any case), the first one of several."""
    exact, folded = _enum_texts(f)
    found = [hit for hit in (exact.get(text), folded.get(text.lower())) if hit is not None]
    return min(found, key=lambda hit: hit[0])[1] if found else text


@functools.lru_cache(maxsize=256)
def _enum_texts(f: Field) -> tuple[dict[str, tuple[int, Any]], dict[str, tuple[int, Any]]]:
    """Text -> (position, value) of a field's candidates, built once (a million-value enum read per cell)."""
    exact: dict[str, tuple[int, Any]] = {}
    folded: dict[str, tuple[int, Any]] = {}
    for i, v in enumerate(_candidates(f)):
        if isinstance(v, bool):
            folded.setdefault(str(v).lower(), (i, v))
        else:
            exact.setdefault(str(v), (i, v))
    return exact, folded


def _csv(p: Path, schema: Schema) -> Iterator[dict[str, Any]]:
    columns = dict(flat_columns(schema.fields))
    with p.open(newline="", encoding="utf-8") as fh:
        try:
            yield from _csv_rows(fh, columns, schema)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{p}: not UTF-8 text: {exc.reason}") from None
        except csv.Error as exc:
            raise UsageError(f"{p}: invalid CSV: {exc}") from None


def _csv_rows(fh: Any, columns: dict[str, tuple[str, ...]], schema: Schema) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(fh)
    if reader.fieldnames is not None:
        reader.fieldnames = [unprotect(name) for name in reader.fieldnames]
    fields: dict[str, Field | None] = {}  # each column's field, found once (10,000 columns: not once a cell)
    top = {f.name: f for f in schema.fields}
    for row in reader:
        record: dict[str, Any] = {}
        for name, text in row.items():
            path = columns.get(name, (name,))
            if name not in fields:
                fields[name] = _field_at(top, path)
            field = fields[name]
            value = _coerce(text, field) if field else text
            target = record
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
        yield _present(record, top)


def _field_at(top: dict[str, Field], path: tuple[str, ...]) -> Field | None:
    """The field a (dotted) column names; `top` is the schema's fields by name."""
    found = top.get(path[0])
    for key in path[1:]:
        if found is None:
            return None
        found = next((f for f in found.fields if f.name == key), None)
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # isoformat pads the year to four digits (strftime's %Y does not, below 1000)
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _parquet(p: Path, schema: Schema) -> Iterator[dict[str, Any]]:
    import pyarrow as pa  # imported when needed: pyarrow costs ~35 MB and ~0.2 s at startup
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(p)
    except (pa.ArrowException, OSError) as exc:
        raise UsageError(f"{p}: not a readable Parquet file: {exc}") from None
    fields = {f.name: f for f in schema.fields}
    for batch in reader.iter_batches():
        for row in batch.to_pylist():
            yield _present({k: _typed(_jsonable(_epoch(v, fields.get(k))), fields.get(k)) for k, v in row.items()},
                           fields)


def _present(record: dict[str, Any], fields: dict[str, Field]) -> dict[str, Any]:
    """A JSON Schema record without the keys it did not have: tables write a left-out key as null."""
    gone = [k for k, v in record.items() if v is None and k in fields and fields[k].shape is not None
            and not fields[k].required and not fields[k].nullable]
    for k in gone:
        del record[k]
    return record


def json_like(value: Any, f: Field | None) -> Any:
    """A value as a JSON file would hold it (ISO text for dates and times), typed by its field."""
    return _typed(_jsonable(value), f)


def _epoch(value: Any, f: Field | None) -> Any:
    """A Parquet timestamp of an epoch-format datetime field, back as the number the other formats hold."""
    if isinstance(value, dt.datetime) and f is not None and f.type == "datetime" and f.format in _EPOCH_SCALE:
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
        return int(moment.timestamp() * _EPOCH_SCALE[f.format])
    return value


def _typed(value: Any, f: Field | None) -> Any:
    """Undo Parquet's lossy mappings: an enum or const of mixed types, JSON Schema values kept as JSON text."""
    if f is None or value is None:
        return value
    if varies(f) and isinstance(value, str):
        return json.loads(value)
    if f.type in ("enum", "const") and isinstance(value, str):
        return _enum_value(value, f)
    if f.type == "object" and isinstance(value, dict):
        nested = {n.name: n for n in f.fields}
        return {k: _typed(v, nested.get(k)) for k, v in value.items()}
    if f.type == "array" and isinstance(value, list) and f.items is not None:
        return [_typed(v, f.items) for v in value]
    return value
