"""Read a dataset's tables back (for `validate`): from a directory of files, SQLite or PostgreSQL, streaming."""

from __future__ import annotations

import decimal
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.databases.sql import quote
from agentic_synth.adapters.datasets.outputs import redact_url, sqlite_path
from agentic_synth.adapters.readers import json_like, read_records
from agentic_synth.adapters.sinks.factory import FORMATS
from agentic_synth.domain.dataset.model import Table
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.schema.schema import Field

Rows = Callable[[Table, tuple[str, ...]], Iterator[dict[str, Any]]]
_BATCH = 10000


def _from_database(value: Any, f: Field) -> Any:
    """A database's value as the files hold it: booleans from 0/1, JSON from text, numbers from decimals."""
    if value is None:
        return None
    if f.type == "boolean" and isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if f.type in ("object", "array") and isinstance(value, str | bytes):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return json_like(value, f)


def _typed_rows(table: Table, names: tuple[str, ...], cursor: Any) -> Iterator[dict[str, Any]]:
    fields = [table.column(n).field for n in names]
    for values in cursor:
        yield {f.name: _from_database(v, f) for f, v in zip(fields, values, strict=False)}


def _directory(directory: Path) -> Rows:
    def rows(table: Table, names: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        files = [directory / f"{table.name}.{fmt}" for fmt in FORMATS if (directory / f"{table.name}.{fmt}").is_file()]
        if not files:
            raise UsageError(f"{directory}: no file for table {table.name} ({table.name}.jsonl, .csv, ...)")
        if len(files) > 1:
            raise UsageError(f"{directory}: table {table.name} has {len(files)} files "
                             f"({', '.join(f.name for f in files)}); keep one")
        for record in read_records(str(files[0]), table.schema):
            yield {n: record.get(n) for n in names}

    return rows


def _sqlite(path: str) -> Rows:
    if not Path(path).is_file():
        raise UsageError(f"sqlite:///{path}: no such database file")

    def rows(table: Table, names: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                cursor = db.execute(f"SELECT {', '.join(quote(n) for n in names) or 1} FROM {quote(table.name)}")
                yield from _typed_rows(table, names, cursor)
        except sqlite3.Error as exc:
            raise IntegrationError(f"sqlite:///{path}: {exc}") from None

    return rows


def _postgres(url: str) -> Rows:
    from agentic_synth.adapters.databases.postgres import psycopg_module, translated

    psycopg = psycopg_module()
    where = redact_url(url)

    def rows(table: Table, names: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        with translated(where), psycopg.connect(url) as db, db.cursor(name="agentic_synth_validate") as cursor:
            cursor.itersize = _BATCH
            cursor.execute(f"SELECT {', '.join(quote(n) for n in names) or 1} FROM {quote(table.name)}")
            yield from _typed_rows(table, names, cursor)

    return rows


def dataset_rows(target: str) -> Rows:
    """How to read each table of a dataset at `target`: a directory, sqlite:///PATH or postgresql://..."""
    if target.startswith("sqlite:"):
        return _sqlite(sqlite_path(target))
    if target.startswith(("postgresql://", "postgres://")):
        return _postgres(target)
    directory = Path(target)
    if not directory.is_dir():
        raise UsageError(f"'{target}' is not a directory of table files or a database URL")
    return _directory(directory)
