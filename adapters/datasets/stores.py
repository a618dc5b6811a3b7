"""Parent columns kept for their children: numbered keys by formula, numbers and instants as numpy arrays.

A child row holds its parent's row number; the value it shows (its key, the date it must follow) is
looked up here. Nothing of a parent is kept as Python objects where the engine gave buffers: an
integer key costs nothing (its row number plus the first number), a number or a date 8 bytes a row;
other keys (uuids, texts) are kept as an Arrow array per block.

Values arrive block by block (`put`); a row whose block was not made yet (another shard makes it) is
made on demand by `fill`, so a shard's children resolve to exactly the parents the whole run makes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Days, Instants, Numbers

Fill = Callable[[list[int]], None]  # makes these blocks of the parent table (which `put` their values here)


class ParentColumn:
    """One column of a parent table, readable by row number once the blocks holding the rows are made."""

    def __init__(self, offsets: np.ndarray, rows: int, fill: Fill, first_number: int | None = None) -> None:
        self._first = first_number
        self._offsets = offsets
        self._rows = rows
        self._fill = fill
        self._have = np.zeros(len(offsets), dtype=bool)
        self._data: np.ndarray | None = None  # numbers, epoch seconds or day ordinals, one slot per row
        self._null = np.zeros(rows, dtype=bool)
        self._blocks: dict[int, Any] = {}  # keys without buffers: an Arrow array per block
        self._kind: type | None = None
        self._format: str | None = None

    def has(self, block: int) -> bool:
        return self._first is not None or bool(self._have[block])

    def put(self, block: int, values: Sequence[Any]) -> None:
        if self._first is not None or self._have[block]:
            return
        start = int(self._offsets[block])
        if isinstance(values, Numbers | Instants | Days) and self._kind in (None, type(values)):
            self._kind = type(values)
            data = np.asarray(values.data if isinstance(values, Numbers) else (
                values.seconds if isinstance(values, Instants) else values.ordinals))
            self._format = values.fmt if isinstance(values, Instants) else None
            if self._data is None:
                self._data = np.zeros(self._rows, dtype=data.dtype)
            self._data[start:start + len(data)] = data
        else:
            import pyarrow as pa  # keys without buffers (uuids, texts): an Arrow array, not Python objects

            self._kind = list
            self._blocks[block] = pa.array(list(values))
        null = values_null(values)
        if null is not None:
            self._null[start:start + len(values)] = null
        self._have[block] = True

    def take(self, rows: np.ndarray) -> Sequence[Any]:
        """The values of these rows; null where the row number is -1 (no parent)."""
        missing = rows < 0
        if self._first is not None:
            return Numbers((rows + self._first).astype(np.int64), missing)
        safe = np.where(missing, 0, rows)
        blocks = np.searchsorted(self._offsets, safe, side="right") - 1
        wanted = np.unique(blocks[~missing])
        absent = wanted[~self._have[wanted]]
        if absent.size:
            self._fill(absent.tolist())
        if not wanted.size:
            return Numbers(np.zeros(len(rows), dtype=np.int64), missing) if self._kind is not list else \
                [None] * len(rows)
        null = missing | self._null[safe]
        if self._kind is list:
            return self._gather(safe, blocks, wanted, null)
        assert self._data is not None
        data = self._data[safe]
        if self._kind is Instants:
            return Instants(data, self._format, null)
        if self._kind is Days:
            return Days(data, null)
        return Numbers(data, null)

    def _gather(self, safe: np.ndarray, blocks: np.ndarray, wanted: np.ndarray, null: np.ndarray) -> list[Any]:
        import pyarrow as pa

        blocks = np.where(null, wanted[0], blocks)  # a null row reads any row of a block at hand
        local = np.where(null, 0, safe - self._offsets[blocks])
        order = np.argsort(blocks, kind="stable")
        parts = [self._blocks[b].take(pa.array(local[order[blocks[order] == b]])) for b in wanted.tolist()]
        joined = pa.concat_arrays(parts)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        values: list[Any] = joined.take(pa.array(inverse)).to_pylist()
        for i in np.flatnonzero(null).tolist():
            values[i] = None
        return values


def values_null(values: Sequence[Any]) -> np.ndarray | None:
    null = getattr(values, "null", None)
    if null is not None:
        return np.asarray(null)
    if isinstance(values, list):
        mask = np.fromiter((v is None for v in values), bool, len(values))
        return mask if mask.any() else None
    return None
