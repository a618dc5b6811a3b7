"""Read a dataset's tables back (for `validate`): from a directory of files, SQLite or PostgreSQL, streaming."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agentic_synth.adapters.databases.sql import quote
from agentic_synth.adapters.datasets.outputs import redact_url, sqlite_path
from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.sinks.factory import FORMATS
from agentic_synth.domain.dataset.model import Table
from agentic_synth.domain.errors import IntegrationError, UsageError

Rows = Callable[[Table, tuple[str, ...]], Iterator[dict[str, Any]]]
_BATCH = 10000


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
                for values in cursor:
                    yield dict(zip(names, values, strict=False))
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
            for values in cursor:
                yield dict(zip(names, values, strict=False))

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
