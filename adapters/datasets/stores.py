"""Parent columns kept for their children: numbered keys by formula, other keys and `after` targets as Arrow arrays.

A child row holds its parent's row number; the value it shows (its key, the date it must follow) is
looked up here. Nothing of a parent is kept as Python objects: an integer key costs nothing (it is
its row number plus the first number), any other column about its Arrow size.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa


class ParentColumn:
    """One column of a parent table, readable by row number once its rows are made."""

    def __init__(self, first_number: int | None = None) -> None:
        self._first = first_number
        self._parts: list[pa.Array] = []

    def append(self, values: list[Any]) -> None:
        if self._first is None:
            self._parts.append(pa.array(values))

    def take(self, rows: np.ndarray) -> list[Any]:
        """The values of these rows; None where the row number is -1 (no parent)."""
        missing = rows < 0
        if self._first is not None:
            values: list[Any] = (rows + self._first).tolist()
        else:
            if len(self._parts) > 1:
                self._parts = [pa.concat_arrays(self._parts)]
            values = self._parts[0].take(pa.array(np.where(missing, 0, rows))).to_pylist()
        if missing.any():
            for i in np.flatnonzero(missing).tolist():
                values[i] = None
        return values
