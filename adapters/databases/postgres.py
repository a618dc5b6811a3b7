"""PostgreSQL sink of a dataset (psycopg 3): COPY ... FROM STDIN per table, every table in one transaction."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv

from agentic_synth.adapters.columns.arrow import to_arrow
from agentic_synth.adapters.databases.loading import DatabaseDatasetSink
from agentic_synth.adapters.databases.sql import ExistingColumn, family, quote
from agentic_synth.adapters.datasets.outputs import redact_url
from agentic_synth.domain.dataset.model import Dataset, Table
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.generation.records import RecordChunk

_FAMILIES = {"bigint": "integer", "integer": "integer", "smallint": "integer", "double precision": "float",
             "real": "float", "numeric": "decimal", "boolean": "boolean", "timestamp with time zone": "timestamp",
             "timestamp without time zone": "timestamp", "date": "date", "time without time zone": "time",
             "time with time zone": "time", "uuid": "uuid", "json": "json", "jsonb": "json", "text": "text",
             "character varying": "text", "character": "text"}
_CSV = pacsv.WriteOptions(include_header=False, batch_size=8192)


def psycopg_module() -> Any:
    try:
        import psycopg
    except ImportError:
        raise UsageError("postgresql output needs psycopg 3: pip install 'agentic-synth[postgres]'") from None
    return psycopg


@contextlib.contextmanager
def translated(where: str) -> Iterator[None]:
    """psycopg's errors as one line naming the database (never its password)."""
    psycopg = psycopg_module()
    try:
        yield
    except psycopg.errors.IntegrityError as exc:
        detail = str(exc).strip().splitlines()[0]
        raise IntegrationError(f"{where}: the database refused a row: {detail}") from None
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise IntegrationError(f"{where}: {detail}") from None


def csv_bytes(chunk: RecordChunk, table: Table, families: list[str]) -> bytes:
    """A chunk as COPY's CSV (NULL unquoted and empty, text quoted), written by Arrow's C++ CSV writer.

    Columns go to Arrow from the engine's buffers (adapters/columns/arrow.py); JSON columns as text,
    epoch datetimes as the numbers they are.
    """
    arrays = []
    for col, kind in zip(table.columns, families, strict=True):
        values = chunk.columns[col.name]
        if kind == "json":
            arrays.append(pa.array([None if v is None else orjson.dumps(v).decode() for v in values], pa.string()))
        elif col.field.type == "datetime" and kind != "timestamp":
            arrays.append(pa.array(list(values), pa.int64() if kind == "integer" else pa.string()))
        else:
            arrays.append(to_arrow(values, col.field))
    out = io.BytesIO()
    pacsv.write_csv(pa.Table.from_arrays(arrays, names=list(table.names)), out, _CSV)
    return out.getvalue()


class _TableCopy:
    """One COPY ... FROM STDIN (FORMAT csv) for a table's chunks, inside the dataset's transaction."""

    def __init__(self, sink: PostgresDatasetSink, table: Table) -> None:
        self._sink = sink
        self._table = table
        self._families = [family(c.field) for c in table.columns]
        self._stack = contextlib.ExitStack()
        columns = ", ".join(quote(n) for n in table.names)
        with translated(sink.where):
            cursor = self._stack.enter_context(sink.connection.cursor())
            self._copy = self._stack.enter_context(
                cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN (FORMAT csv)"))

    def write(self, chunk: RecordChunk) -> None:
        data = csv_bytes(chunk, self._table, self._families)
        with translated(self._sink.where):
            self._copy.write(data)

    def close(self) -> None:
        with translated(self._sink.where):
            self._stack.close()  # ends the COPY: the server checks the rows' keys now, if not before

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._stack.__exit__(RuntimeError, RuntimeError("aborted"), None)


class PostgresDatasetSink(DatabaseDatasetSink):
    """`postgresql://...`: tables with types, keys and foreign keys; all tables commit together or not at all."""

    dialect = "postgresql"
    defer_foreign_keys = True

    def __init__(self, url: str, dataset: Dataset, *, if_exists: str = "fail", create: bool = True) -> None:
        super().__init__(dataset, if_exists=if_exists, create=create, where=redact_url(url))
        psycopg = psycopg_module()
        self.connection: Any = None
        with translated(self.where):
            self.connection = psycopg.connect(url, autocommit=False, connect_timeout=10)
        try:
            self.prepare()
        except BaseException:
            self.abort()
            raise

    def execute(self, sql: str) -> None:
        with translated(self.where):
            self.connection.execute(sql)

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> object:
        with translated(self.where):
            row = self.connection.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def existing_columns(self, table: str) -> Mapping[str, ExistingColumn] | None:
        if self.scalar("SELECT to_regclass(%s)", (quote(table),)) is None:
            return None
        with translated(self.where):
            rows = self.connection.execute(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
                (table,)).fetchall()
        return {name: ExistingColumn(name=name, family=_FAMILIES.get(declared, declared), declared=declared,
                                     optional=nullable == "YES" or default is not None)
                for name, declared, nullable, default in rows}

    def table(self, table: Table) -> _TableCopy:
        return _TableCopy(self, table)

    def commit(self) -> None:
        try:
            self.finish()
            with translated(self.where):
                self.connection.commit()
                self.connection.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.connection is None:
            return
        with contextlib.suppress(Exception):
            self.connection.rollback()
        with contextlib.suppress(Exception):
            self.connection.close()
