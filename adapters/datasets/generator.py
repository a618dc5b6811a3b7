"""The dataset engine: tables parents first, block by block, with keys and references true by construction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Numbers
from agentic_synth.adapters.datasets.draws import (
    distinct_pairs,
    distinct_parents,
    distinct_within_groups,
    earlier_rows,
    key_of,
    stream,
    uniform_parents,
)
from agentic_synth.adapters.datasets.plan import TablePlan, link_columns, plan_dataset
from agentic_synth.adapters.datasets.stores import ParentColumn
from agentic_synth.adapters.engine.records import ColumnEngine, check_uniques
from agentic_synth.domain.dataset.model import Column, Dataset, Table
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Field


class DatasetEngine:
    """Makes every table of a dataset; `tables()` yields them parents first, each as a stream of chunks.

    Each table's chunks must be read to the end before the next table's (children read what their
    parents left in the parent columns). The same dataset and seed give the same rows, chunk for chunk.
    """

    def __init__(self, dataset: Dataset, seed: int, locale: str,
                 first_numbers: dict[str, int] | None = None) -> None:
        self.dataset = dataset
        self.seed = seed
        self.locale = locale
        self.plans = plan_dataset(dataset, seed)
        self._first_numbers = first_numbers or {}
        self._kept: dict[tuple[str, str], ParentColumn] = {}
        self._sums: dict[tuple[str, str, int], np.ndarray] = {}
        for table in dataset.tables:
            for col in table.columns:
                if col.ref is not None:
                    self._keep(col.ref.table, col.ref.column)
                if col.follows is not None:
                    self._keep(col.follows.table, col.follows.column)

    def counts(self) -> dict[str, int]:
        return {name: plan.count for name, plan in self.plans.items()}

    def first_number(self, table: Table, col: Column) -> int:
        return self._first_numbers.get(f"{table.name}.{col.name}", col.sequence_start)

    def _keep(self, table_name: str, column: str) -> None:
        if (table_name, column) in self._kept:
            return
        col = self.dataset.table(table_name).column(column)
        first = self.first_number(self.dataset.table(table_name), col) if col.sequence else None
        self._kept[(table_name, column)] = ParentColumn(first)

    def tables(self) -> Iterator[tuple[Table, int, Iterator[RecordChunk]]]:
        for table in self.dataset.tables:
            plan = self.plans[table.name]
            yield table, plan.count, self._chunks(plan)

    def _chunks(self, plan: TablePlan) -> Iterator[RecordChunk]:
        table = plan.table
        own = tuple(c.field for c in table.columns if c.is_own)
        check_uniques(own, plan.count, self.locale, table.name)
        engine = ColumnEngine(plan.seed, self.locale, capacity=plan.count)  # unique values sized to the table
        for block in range(plan.blocks):
            n, first = int(plan.block_rows[block]), int(plan.block_offsets[block])
            if n:
                yield self._block(plan, engine, own, block, n, first)

    def _block(self, plan: TablePlan, engine: ColumnEngine, own: tuple[Any, ...], block: int, n: int,
               first: int) -> RecordChunk:
        table = plan.table
        rows = self._parent_rows(plan, block, n, first)
        known: dict[str, tuple[Field, Sequence[Any]]] = {}
        for col in table.columns:
            if col.follows is not None and col.field.after is not None:
                parent = self.dataset.table(col.follows.table)
                values = self._kept[(col.follows.table, col.follows.column)].take(rows[col.follows.via])
                known[col.field.after] = (parent.column(col.follows.column).field, values)
        made = engine.columns(own, n, first, block, known=known) if own else {}
        for col in table.columns:
            if col.sequence:
                start = self.first_number(table, col) + first
                made[col.name] = Numbers(np.arange(start, start + n, dtype=np.int64))
            elif col.aggregate is not None:
                made[col.name] = Numbers(self._aggregate(table, col, first, n))
        for (name, column), kept in self._kept.items():
            if name == table.name:
                kept.append(made[column])
        for col in table.references:
            assert col.ref is not None
            made[col.name] = self._kept[(col.ref.table, col.ref.column)].take(rows[col.name])
        return RecordChunk(columns={c.name: made[c.name] for c in table.columns}, length=n)

    def _parent_rows(self, plan: TablePlan, block: int, n: int, first: int) -> dict[str, np.ndarray]:
        """For each reference, the parent row of each row of the block (-1: no parent)."""
        table = plan.table
        out: dict[str, np.ndarray] = {}
        sizes = None
        driver = table.driver
        if driver is not None:
            if block < plan.parent_blocks:
                sizes = plan.children(block)
                out[driver.name] = np.repeat(np.arange(block * plan.per_block, block * plan.per_block + len(sizes)),
                                             sizes)
            else:
                out[driver.name] = np.full(n, -1, dtype=np.int64)
        link = link_columns(table)
        for col in table.references:
            ref = col.ref
            assert ref is not None
            if col.name in out:
                continue
            parents = self.plans[ref.table].count
            rng = stream(plan.seed, block, f"ref:{col.name}")
            if ref.table == table.name:
                picks = earlier_rows(first, n, rng)
            elif ref.distinct:
                picks = distinct_parents(first, n, parents, key_of(plan.seed, col.name))
            elif link is not None and col is link[1] and link[0].ref is not None:
                if link[0].ref.per_parent is None:
                    left, right = distinct_pairs(first, n, self.plans[link[0].ref.table].count, parents,
                                                 key_of(plan.seed, "pairs"))
                    out[link[0].name] = left
                    picks = right
                elif sizes is not None:
                    picks = distinct_within_groups(sizes, parents, rng)
                else:
                    picks = uniform_parents(parents, n, rng)
            else:
                picks = uniform_parents(parents, n, rng)
            if ref.null_rate and ref.per_parent is None:
                picks = np.where(stream(plan.seed, block, f"null:{col.name}").random(n) < ref.null_rate, -1, picks)
            out[col.name] = picks
        return out

    def _aggregate(self, table: Table, col: Column, first: int, n: int) -> np.ndarray:
        """Each parent's count of children, or the sum of a child column, for parent rows first..first+n."""
        agg = col.aggregate
        assert agg is not None
        child = self.plans[agg.table]
        parts = []
        for block in range(first // child.per_block, (first + n - 1) // child.per_block + 1):
            values = self._block_aggregate(child, agg.function, agg.column, block, col)
            lo = max(first, block * child.per_block) - block * child.per_block
            hi = min(first + n, (block + 1) * child.per_block) - block * child.per_block
            parts.append(values[lo:hi])
        return np.concatenate(parts)

    def _block_aggregate(self, child: TablePlan, function: str, column: str | None, block: int,
                         col: Column) -> np.ndarray:
        key = (child.table.name, column or "", block)
        if key in self._sums:
            return self._sums[key]
        sizes = child.children(block)
        if function == "count" or column is None:
            result = sizes
        else:
            # the child column is made again exactly as the child table will make it (same stream, same rows)
            field = child.table.column(column).field
            rows = int(sizes.sum())
            engine = ColumnEngine(child.seed, self.locale, capacity=child.count)
            values = engine.column(field, rows, int(child.block_offsets[block]), block, field.name, {}) if rows else []
            array = _numbers(values)
            group = np.repeat(np.arange(len(sizes)), sizes)
            digits = col.field.precision
            if field.type == "integer" and col.field.type == "integer":
                result = np.bincount(group, weights=array, minlength=len(sizes)).round().astype(np.int64)
            elif digits is not None:
                units = np.rint(array * 10.0 ** digits)
                result = np.round(np.bincount(group, weights=units, minlength=len(sizes)) / 10.0 ** digits, digits)
            else:
                result = np.bincount(group, weights=array, minlength=len(sizes))
        self._sums = {k: v for k, v in self._sums.items() if k[:2] != key[:2] or k[2] >= block - 1}
        self._sums[key] = result
        return result


def _numbers(values: Sequence[Any]) -> np.ndarray:
    """A numeric column as float64, 0 where null (what a sum adds for a missing value)."""
    if isinstance(values, Numbers):
        array = values.data.astype(np.float64)
        if values.null is not None:
            array[values.null] = 0.0
        return array
    return np.array([0 if v is None else v for v in values], dtype=np.float64)
