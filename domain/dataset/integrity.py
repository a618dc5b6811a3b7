"""Check a dataset's tables as they were written: keys, references, per-parent cardinalities, `after`, sums.

Rows are fed table by table, parents first, each with only the columns the checks need; what is
kept between tables is the parents' keys and the values their children are checked against.
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import math
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from agentic_synth.domain.dataset.model import Dataset, Table

MAX_SHOWN = 20


def comparable(value: Any) -> Any:
    """One form for a value however a file or database gave it back (a key, a timestamp, an amount)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).timestamp() if value.tzinfo else \
            value.replace(tzinfo=dt.timezone.utc).timestamp()
    if isinstance(value, dt.date):
        return float(value.toordinal())
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _moment(value: Any, kind: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        if kind == "date":
            return float(dt.date.fromisoformat(value).toordinal())
        return comparable(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))  # type: ignore[no-any-return]
    return float(comparable(value))


class DatasetCheck:
    """Feed each table's rows (parents first) with `feed`; `problems` lists what does not hold."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.problems: list[str] = []
        self.total = 0  # problems found (the first MAX_SHOWN are kept)
        self.rows: dict[str, int] = {}
        self._keys: dict[tuple[str, str], set[Any]] = {}
        self._follow: dict[tuple[str, str], dict[Any, float | None]] = {}
        self._children: dict[str, collections.Counter[Any]] = {}
        self._sums: dict[tuple[str, str], dict[Any, float]] = {}
        self._expected: dict[tuple[str, str], dict[Any, float]] = {}
        self._summed: set[tuple[str, str]] = set()
        for table in dataset.tables:
            for col in table.columns:
                if col.aggregate is not None and col.aggregate.column is not None:
                    self._summed.add((col.aggregate.table, col.aggregate.column))
                if col.ref is not None:
                    self._keys.setdefault((col.ref.table, col.ref.column), set())
                if col.follows is not None:
                    self._follow.setdefault((col.follows.table, col.follows.column), {})

    def needed(self, table: Table) -> tuple[str, ...]:
        """The columns of `table` that the checks read."""
        names = {*table.primary_key, *(c.name for c in table.columns if c.field.unique or c.ref or c.aggregate
                                       or c.follows)}
        names |= {col for (t, col) in (*self._keys, *self._follow, *self._summed) if t == table.name}
        return tuple(n for n in table.names if n in names)

    def problem(self, text: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_SHOWN:
            self.problems.append(text)

    def feed(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        seen: dict[tuple[str, ...], set[Any]] = collections.defaultdict(set)
        unique_sets = ([table.primary_key] if table.primary_key else []) + [
            (c.name,) for c in table.columns if c.field.unique and (c.name,) != table.primary_key]
        key_of_row = table.primary_key[0] if len(table.primary_key) == 1 else None
        self_refs: dict[Any, Any] = {}
        count = 0
        for count, row in enumerate(rows, 1):
            values = {k: comparable(v) for k, v in row.items()}
            for names in unique_sets:
                item = tuple(values.get(n) for n in names)
                if item in seen[names]:
                    shown = item if len(item) > 1 else item[0]
                    self.problem(f"{table.name} row {count}: ({', '.join(names)}) = {shown!r} repeats")
                seen[names].add(item)
            for (t, name), keys in self._keys.items():
                if t == table.name:
                    keys.add(values.get(name))
            for (t, name), moments in self._follow.items():
                if t == table.name and key_of_row is not None:
                    moments[values.get(key_of_row)] = _moment(row.get(name), table.column(name).field.type)
            self._references(table, values, row, count, self_refs)
            for col in table.columns:
                if col.aggregate is not None and key_of_row is not None:
                    self._expected.setdefault((table.name, col.name), {})[values.get(key_of_row)] = \
                        float(values.get(col.name) or 0)
        self.rows[table.name] = count
        self._no_cycles(table, self_refs)
        for col in table.references:
            if col.ref is not None and col.ref.table == table.name:
                keys = self._keys[(table.name, col.ref.column)]
                for value in {v for v in self_refs.values() if v not in keys}:
                    self.problem(f"{table.name}: {col.name} = {value!r} has no match in {col.ref.target}")

    def _references(self, table: Table, values: Mapping[str, Any], row: Mapping[str, Any], count: int,
                    self_refs: dict[Any, Any]) -> None:
        for col in table.references:
            ref = col.ref
            assert ref is not None
            value = values.get(col.name)
            if value is None:
                if not ref.null_rate:
                    self.problem(f"{table.name} row {count}: {col.name} is empty, but it refers to {ref.target}")
                continue
            if ref.table == table.name:
                self_refs[values.get(ref.column)] = value
            elif value not in self._keys[(ref.table, ref.column)]:
                self.problem(f"{table.name} row {count}: {col.name} = {value!r} has no match in {ref.target}")
                continue
            if ref.per_parent is not None:
                self._children.setdefault(table.name, collections.Counter())[value] += 1
                for parent_col in self.dataset.table(ref.table).columns:
                    agg = parent_col.aggregate
                    if agg is not None and agg.table == table.name:
                        amount = 1.0 if agg.function == "count" else float(values.get(agg.column or "") or 0)
                        sums = self._sums.setdefault((ref.table, parent_col.name), collections.defaultdict(float))
                        sums[value] += amount
        for col in table.columns:
            follows = col.follows
            if follows is None or row.get(col.name) is None:
                continue
            parent = values.get(follows.via)
            base = self._follow[(follows.table, follows.column)].get(parent)
            mine = _moment(row.get(col.name), col.field.type)
            if base is not None and mine is not None and not mine > base:
                self.problem(f"{table.name} row {count}: {col.name} ({row.get(col.name)}) is not after "
                             f"{follows.table}.{follows.column} of {follows.via} {parent!r}")

    def _no_cycles(self, table: Table, parent_of: Mapping[Any, Any]) -> None:
        done: set[Any] = set()
        for start in parent_of:
            path: list[Any] = []
            node = start
            while node in parent_of and node not in done:
                if node in path:
                    self.problem(f"{table.name}: references make a cycle through {node!r}")
                    break
                path.append(node)
                node = parent_of[node]
            done.update(path)

    def finish(self) -> list[str]:
        """Cardinalities and aggregates, once every table is in; then all problems."""
        for table in self.dataset.tables:
            driver = table.driver
            if driver is None or driver.ref is None or driver.ref.per_parent is None:
                continue
            card = driver.ref.per_parent
            counts = self._children.get(table.name, collections.Counter())
            bad = [(k, counts.get(k, 0)) for k in self._keys[(driver.ref.table, driver.ref.column)]
                   if not card.min <= counts.get(k, 0) <= (card.max if card.max is not None else math.inf)]
            for key, n in sorted(bad, key=repr):
                self.problem(f"{table.name}: {driver.ref.target} {key!r} has {n} rows, outside "
                             f"{card.min}..{card.max if card.max is not None else 'any'}")
        for (name, column), expected in self._expected.items():
            sums = self._sums.get((name, column), {})
            for key, value in expected.items():
                total = sums.get(key, 0.0)
                if math.isclose(value, total, abs_tol=1e-6):
                    continue
                if self.dataset.table(name).column(column).aggregate.function == "count":  # type: ignore[union-attr]
                    self.problem(f"{name}: {column} of {key!r} is {value:g}, but it has {total:g} children")
                else:
                    self.problem(f"{name}: {column} of {key!r} is {value:g}, but its children add up to {total:g}")
        return self.problems
