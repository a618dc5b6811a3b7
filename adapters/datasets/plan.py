"""The plan of a dataset run: each table's seed, row count and blocks, known before any row is made."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from agentic_synth.adapters.datasets.draws import children_per_parent, parents_per_block, stream, table_seed
from agentic_synth.domain.dataset.model import Column, Dataset, Table
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.requests import CHUNK_SIZE

PER_PARENT = "per_parent"


@attrs.frozen
class TablePlan:
    """A table's rows in blocks: a block is CHUNK_SIZE rows, or the children of `per_block` consecutive parents.

    Blocks of a table made per parent come first (parent by parent), then blocks of rows with no
    parent (`orphans`, the driving reference's null share).
    """

    table: Table
    seed: int
    count: int
    block_rows: np.ndarray
    block_offsets: np.ndarray
    parents: int = 0  # rows of the driving parent
    per_block: int = 0  # parents per block (0: not made per parent)
    parent_blocks: int = 0

    @property
    def blocks(self) -> int:
        return len(self.block_rows)

    def children(self, block: int) -> np.ndarray:
        """Children of each parent of a parent block (drawn again whenever asked: the same every time)."""
        driver = self.table.driver
        assert driver is not None and driver.ref is not None and driver.ref.per_parent is not None
        first = block * self.per_block
        size = min(self.per_block, self.parents - first)
        counts = children_per_parent(driver.ref.per_parent, self.per_block, stream(self.seed, block, PER_PARENT),
                                     f"tables.{self.table.name}.schema.{driver.name}.per_parent")
        return counts[:size]


def _fixed_blocks(count: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.full(-(-count // CHUNK_SIZE), CHUNK_SIZE, dtype=np.int64)
    if count % CHUNK_SIZE:
        rows[-1] = count % CHUNK_SIZE
    return rows, np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)


def plan_table(table: Table, seed: int, counts: Mapping[str, int], source: str) -> TablePlan:
    own_seed = table_seed(seed, table.name)
    driver = table.driver
    if driver is None:
        assert table.count is not None
        rows, offsets = _fixed_blocks(table.count)
        plan = TablePlan(table=table, seed=own_seed, count=table.count, block_rows=rows, block_offsets=offsets)
    else:
        assert driver.ref is not None and driver.ref.per_parent is not None
        parents = counts[driver.ref.table]
        per_block = parents_per_block(driver.ref.per_parent)
        parent_blocks = -(-parents // per_block)
        plan = TablePlan(table=table, seed=own_seed, count=0, block_rows=np.zeros(0, np.int64),
                         block_offsets=np.zeros(0, np.int64), parents=parents, per_block=per_block,
                         parent_blocks=parent_blocks)
        driven = np.array([int(plan.children(b).sum()) for b in range(parent_blocks)], dtype=np.int64)
        total = int(driven.sum())
        rate = driver.ref.null_rate
        orphans = round(total * rate / (1 - rate)) if rate else 0
        orphan_rows, _ = _fixed_blocks(orphans)
        rows = np.concatenate([driven, orphan_rows]).astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64) if len(rows) else rows
        plan = attrs.evolve(plan, count=total + orphans, block_rows=rows, block_offsets=offsets)
    _check_room(plan, counts, source)
    return plan


def plan_dataset(dataset: Dataset, seed: int) -> dict[str, TablePlan]:
    """Every table's plan, parents first (a child's count depends on its parent's)."""
    plans: dict[str, TablePlan] = {}
    counts: dict[str, int] = {}
    for table in dataset.tables:
        counts[table.name] = 0  # a self-reference sees its own table's count below
        plan = plan_table(table, seed, counts, dataset.source)
        plans[table.name] = plan
        counts[table.name] = plan.count
    return plans


def _check_room(plan: TablePlan, counts: Mapping[str, int], source: str) -> None:
    """Keys that hold by construction need room: enough parents for one-to-one, pairs, numbers below max."""
    table, n = plan.table, plan.count
    at = f"{source}: tables.{table.name}"
    counts = {**counts, table.name: n}
    for col in table.columns:
        if col.sequence and col.field.max is not None and col.sequence_start + n - 1 > col.field.max:
            raise UsageError(f"{at}.schema.{col.name}: {n} rows numbered from {col.sequence_start} pass its max "
                             f"({col.field.max})")
        ref = col.ref
        if ref is None or not n:
            continue
        parents = counts[ref.table]
        if parents == 0 and ref.table != table.name and (ref.null_rate < 1 and ref.per_parent is None):
            raise UsageError(f"{at}.schema.{col.name}: refers to '{ref.table}', which has no rows")
        if ref.distinct and n > parents:
            raise UsageError(f"{at}.schema.{col.name}: unique (one-to-one) needs a parent per row, but "
                             f"'{ref.table}' has {parents} rows for {n}")
    pair = link_columns(table)
    if pair is not None:
        left, right = pair
        assert left.ref is not None and right.ref is not None
        if left.ref.per_parent is not None:
            card, others = left.ref.per_parent, counts[right.ref.table]
            if card.max is None or card.max > others:
                raise UsageError(f"{at}.schema.{left.name}.per_parent: in a link table a parent's children "
                                 f"have distinct '{right.name}'; set max to at most {others} (the rows of "
                                 f"'{right.ref.table}')")
        elif n > counts[left.ref.table] * counts[right.ref.table]:
            raise UsageError(f"{at}.count: {n} rows, but only {counts[left.ref.table] * counts[right.ref.table]} "
                             f"distinct ({left.name}, {right.name}) pairs exist")


def link_columns(table: Table) -> tuple[Column, Column] | None:
    """A link table's two key references, the driving one (if any) first."""
    if len(table.primary_key) != 2:
        return None
    a, b = (table.column(n) for n in table.primary_key)
    return (b, a) if b.ref is not None and b.ref.per_parent is not None else (a, b)
