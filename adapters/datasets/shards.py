"""Which rows of each table shard I of N makes: parents' ranges first, children follow their parents.

A table made from a row count (no driving reference) is split into N equal ranges of its rows. A
table made per parent takes the children of the parent rows its parent's shard makes: where they
start is the rows of the parent blocks before, plus the children of the parents before it in its
block (their counts drawn again), so a shard's children point only at parents the same shard makes.
Its rows without a parent (the driving reference's null share) come last in the table, so they are
in the last shard. A block cut by a shard's edge is made whole and only its rows in range are kept.
Every table's shards are consecutive ranges of its rows: shards 0..N-1 joined are the single run."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from agentic_synth.adapters.datasets.plan import TablePlan
from agentic_synth.domain.generation.shards import RecordRange, Shard


def shard_rows(plans: Mapping[str, TablePlan], shard: Shard | None) -> dict[str, RecordRange]:
    """Each table's rows in this shard (every row when `shard` is None), parents before children."""
    out: dict[str, RecordRange] = {}
    for name, plan in plans.items():
        driver = plan.table.driver
        if shard is None:
            out[name] = RecordRange(0, plan.count)
        elif driver is None or driver.ref is None:
            out[name] = shard.range_of(plan.count)
        else:
            parent = out[driver.ref.table]
            last = shard.index == shard.count - 1
            out[name] = RecordRange(first_child(plan, parent.start), plan.count if last else
                                    first_child(plan, parent.stop))
    return out


def blocks_of(plan: TablePlan, span: RecordRange) -> range:
    """The blocks that hold some of these rows."""
    if not len(span):
        return range(0)
    return range(int(block_of(plan, np.array([span.start]))[0]), int(block_of(plan, np.array([span.stop - 1]))[0]) + 1)


def first_child(plan: TablePlan, parent: int) -> int:
    """The first row of a table made per parent whose parent is row `parent` or later: the rows of the
    parent blocks before it, and the children of the parents before it in its block (drawn again)."""
    block = parent // plan.per_block
    if block >= plan.parent_blocks:
        return int(plan.block_offsets[plan.parent_blocks]) if plan.parent_blocks < plan.blocks else plan.count
    return int(plan.block_offsets[block]) + int(plan.children(block)[:parent - block * plan.per_block].sum())


def block_of(plan: TablePlan, rows: np.ndarray) -> np.ndarray:
    """The block that holds each of these rows (all >= 0)."""
    return np.searchsorted(plan.block_offsets, rows, side="right") - 1
