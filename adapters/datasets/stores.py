"""Parent columns kept for their children: numbered keys by formula, numbers and instants as numpy arrays.

A child row holds its parent's row number; the value it shows (its key, the date it must follow) is
looked up here. Nothing of a parent is kept as Python objects where the engine gave buffers: an
integer key costs nothing (its row number plus the first number), a number or a date 8 bytes a row;
other keys (uuids, texts) are kept as an Arrow array.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Days, Instants, Numbers


class ParentColumn:
    """One column of a parent table, readable by row number once its rows are made."""

    def __init__(self, first_number: int | None = None) -> None:
        self._first = first_number
        self._parts: list[Any] = []
        self._nulls: list[np.ndarray] = []
        self._kind: type | None = None
        self._format: str | None = None

    def append(self, values: Sequence[Any]) -> None:
        if self._first is not None:
            return
        if isinstance(values, Numbers | Instants | Days) and self._kind in (None, type(values)):
            self._kind = type(values)
            data = values.data if isinstance(values, Numbers) else (
                values.seconds if isinstance(values, Instants) else values.ordinals)
            self._format = values.fmt if isinstance(values, Instants) else None
            self._parts.append(np.asarray(data))
        else:
            import pyarrow as pa  # keys without buffers (uuids, texts): an Arrow array, not Python objects

            self._kind = list
            self._parts.append(pa.array(list(values)))
        null = values_null(values)
        self._nulls.append(np.zeros(len(values), bool) if null is None else null)

    def take(self, rows: np.ndarray) -> Sequence[Any]:
        """The values of these rows; null where the row number is -1 (no parent)."""
        missing = rows < 0
        if self._first is not None:
            return Numbers((rows + self._first).astype(np.int64), missing)
        if len(self._parts) > 1:
            self._parts = [_concat(self._parts)]
            self._nulls = [np.concatenate(self._nulls)]
        safe = np.where(missing, 0, rows)
        null = missing | self._nulls[0][safe]
        if self._kind is list:
            import pyarrow as pa

            values: list[Any] = self._parts[0].take(pa.array(safe)).to_pylist()
            for i in np.flatnonzero(null).tolist():
                values[i] = None
            return values
        data = self._parts[0][safe]
        if self._kind is Instants:
            return Instants(data, self._format, null)
        if self._kind is Days:
            return Days(data, null)
        return Numbers(data, null)


def values_null(values: Sequence[Any]) -> np.ndarray | None:
    null = getattr(values, "null", None)
    if null is not None:
        return np.asarray(null)
    if isinstance(values, list):
        mask = np.fromiter((v is None for v in values), bool, len(values))
        return mask if mask.any() else None
    return None


def _concat(parts: list[Any]) -> Any:
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    import pyarrow as pa

    return pa.concat_arrays(parts)
