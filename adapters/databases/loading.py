"""What every database sink of a dataset does: one transaction, tables readied per --if-exists, keys continued."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from agentic_synth.adapters.databases.sql import (
    IF_EXISTS,
    ExistingColumn,
    add_foreign_keys,
    check_columns,
    create_table,
    quote,
)
from agentic_synth.domain.dataset.model import Dataset, Table
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import RecordSink


class DatabaseDatasetSink(ABC):
    """Loads a dataset's tables in one transaction: all of them, or (on any failure, a kill too) none.

    `if_exists`: fail (a table that exists, or with --no-create holds rows, is an error), replace
    (drop and create it; with --no-create delete its rows) or append (add rows; integer keys go on
    after the largest one there). `create=False` loads into tables that exist, checking their columns.
    """

    dialect = "sql"
    # Add the foreign keys of new tables after loading, in the same transaction: the database then
    # checks all rows at once (one join per key, as pg_restore does) instead of row by row.
    defer_foreign_keys = False

    def __init__(self, dataset: Dataset, *, if_exists: str = "fail", create: bool = True, where: str = "") -> None:
        if if_exists not in IF_EXISTS:
            raise UsageError(f"--if-exists: '{if_exists}' is not one of {', '.join(IF_EXISTS)}")
        self.dataset = dataset
        self.if_exists = if_exists
        self.create = create
        self.where = where
        self._first_numbers: dict[str, int] = {}
        self._created: list[Table] = []

    # --- what each database provides -------------------------------------------------------------

    @abstractmethod
    def execute(self, sql: str) -> None: ...

    @abstractmethod
    def existing_columns(self, table: str) -> Mapping[str, ExistingColumn] | None:
        """The table's columns, or None when there is no such table."""

    @abstractmethod
    def scalar(self, sql: str) -> object: ...

    @abstractmethod
    def table(self, table: Table) -> RecordSink: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def abort(self) -> None: ...

    # --- shared ------------------------------------------------------------------------------------

    def first_numbers(self) -> dict[str, int]:
        """`table.column` -> the first number of an integer key when appending after existing rows."""
        return dict(self._first_numbers)

    def prepare(self) -> None:
        """Check, drop, create or empty the tables (inside the transaction) before any row is made."""
        existing = {t.name: self.existing_columns(t.name) for t in self.dataset.tables}
        for table in self.dataset.tables:
            self._check(table, existing[table.name])
        children_first = list(reversed(self.dataset.tables))
        if self.if_exists == "replace":
            for table in children_first:
                if existing[table.name] is not None:
                    self.execute(f"DROP TABLE {quote(table.name)}" if self.create
                                 else f"DELETE FROM {quote(table.name)}")
        for table in self.dataset.tables:
            if self.create and (existing[table.name] is None or self.if_exists == "replace"):
                self.execute(create_table(table, self.dialect, foreign_keys=not self.defer_foreign_keys))
                self._created.append(table)
            elif self.if_exists == "append":
                self._continue_keys(table)

    def finish(self) -> None:
        """Before COMMIT: the foreign keys left for after the load (a violating row fails the whole run)."""
        if self.defer_foreign_keys:
            for table in self._created:
                for statement in add_foreign_keys(table):
                    self.execute(statement)

    def _check(self, table: Table, columns: Mapping[str, ExistingColumn] | None) -> None:
        name = table.name
        if columns is None:
            if not self.create:
                raise UsageError(f"{self.where}: table {name} does not exist (--no-create loads into existing tables)")
            return
        if self.create and self.if_exists == "fail":
            raise UsageError(f"{self.where}: table {name} already exists; use --if-exists replace or append")
        if not self.create or self.if_exists == "append":
            check_columns(table, columns, f"{self.where}")
        if not self.create and self.if_exists == "fail":
            rows = self.scalar(f"SELECT COUNT(*) FROM {quote(name)}")
            if rows:
                raise UsageError(f"{self.where}: table {name} already holds {rows} rows; use --if-exists append "
                                 "or replace")

    def _continue_keys(self, table: Table) -> None:
        for col in table.columns:
            if col.sequence:
                top = self.scalar(f"SELECT MAX({quote(col.name)}) FROM {quote(table.name)}")
                if top is not None:
                    self._first_numbers[f"{table.name}.{col.name}"] = max(col.sequence_start, int(str(top)) + 1)
