"""SQLite sink of a dataset (stdlib sqlite3): a new file appears whole; an existing one changes in one transaction."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.databases.loading import DatabaseDatasetSink
from agentic_synth.adapters.databases.sql import ExistingColumn, family, quote
from agentic_synth.domain.dataset.model import Dataset, Table
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.generation.records import RecordChunk


def sqlite_family(declared: str) -> str:
    """SQLite's type affinity of a declared column type, as a family ('any' takes every value)."""
    text = declared.upper()
    if "INT" in text:
        return "integer"
    if any(k in text for k in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if any(k in text for k in ("REAL", "FLOA", "DOUB")):
        return "float"
    return "any"  # BLOB, no type, NUMERIC/BOOLEAN/DATE/TIMESTAMP...: sqlite stores what it is given


@contextlib.contextmanager
def translated(where: str) -> Iterator[None]:
    """sqlite3's errors as one line naming the database."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise IntegrationError(f"{where}: the database refused a row: {exc}") from None
    except sqlite3.Error as exc:
        raise IntegrationError(f"{where}: {exc}") from None


class _TableWriter:
    """Inserts one table's chunks (executemany inside the dataset's transaction)."""

    def __init__(self, sink: SqliteDatasetSink, table: Table) -> None:
        self._sink = sink
        self._table = table
        names = ", ".join(quote(n) for n in table.names)
        self._sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(table.names))})"
        self._json = [family(c.field) == "json" for c in table.columns]

    def write(self, chunk: RecordChunk) -> None:
        columns: list[Sequence[Any]] = [
            [None if v is None else orjson.dumps(v).decode() for v in chunk.columns[name]] if is_json
            else chunk.columns[name] for name, is_json in zip(self._table.names, self._json, strict=True)]
        with translated(self._sink.where):
            self._sink._db.executemany(self._sql, zip(*columns, strict=True))

    def close(self) -> None:
        """Nothing to do: the dataset's transaction commits every table at once."""

    def abort(self) -> None:
        """Nothing to do: the dataset sink rolls the transaction back."""


class SqliteDatasetSink(DatabaseDatasetSink):
    """`sqlite:///PATH`: tables with types, keys and foreign keys (enforced while loading)."""

    dialect = "sqlite"

    def __init__(self, path: str, dataset: Dataset, *, if_exists: str = "fail", create: bool = True) -> None:
        super().__init__(dataset, if_exists=if_exists, create=create, where=f"sqlite:///{path}")
        self.target = Path(path)
        if self.target.is_dir():
            raise UsageError(f"{self.where}: '{path}' is a directory")
        directory = self.target.parent if str(self.target.parent) else Path(".")
        if not directory.is_dir():
            raise UsageError(f"{self.where}: directory '{directory}' does not exist")
        self._temp: Path | None = None
        self.connection: sqlite3.Connection | None = None
        if not self.target.exists():  # a new database is written beside and renamed when whole
            fd, temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=directory)
            os.close(fd)
            self._temp = Path(temp)
        try:
            with translated(self.where):
                self.connection = connection = sqlite3.connect(self._temp or self.target, isolation_level=None)
                connection.execute("PRAGMA foreign_keys = ON")
                if self._temp is not None:
                    connection.execute("PRAGMA journal_mode = OFF")
                    connection.execute("PRAGMA synchronous = OFF")
                connection.execute("BEGIN IMMEDIATE")
                self.prepare()
        except BaseException:
            self.abort()
            raise

    @property
    def _db(self) -> sqlite3.Connection:
        assert self.connection is not None
        return self.connection

    def execute(self, sql: str) -> None:
        with translated(self.where):
            self._db.execute(sql)

    def scalar(self, sql: str) -> object:
        with translated(self.where):
            row = self._db.execute(sql).fetchone()
        return None if row is None else row[0]

    def existing_columns(self, table: str) -> Mapping[str, ExistingColumn] | None:
        with translated(self.where):
            rows = self._db.execute(f"PRAGMA table_info({quote(table)})").fetchall()
        if not rows:
            return None
        return {name: ExistingColumn(name=name, family=sqlite_family(declared), declared=declared or "untyped",
                                     optional=not notnull or default is not None or bool(pk))
                for _, name, declared, notnull, default, pk in rows}

    def table(self, table: Table) -> _TableWriter:
        return _TableWriter(self, table)

    def commit(self) -> None:
        try:
            self.finish()
            with translated(self.where):
                self._db.execute("COMMIT")
                self._db.close()
            if self._temp is not None:
                os.chmod(self._temp, 0o644)
                os.replace(self._temp, self.target)
                self._temp = None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(sqlite3.Error):
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                self._temp.unlink()
            self._temp = None
