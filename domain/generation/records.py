"""RecordChunk: a slice of records held column-wise, the unit that flows from generators to sinks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs


class _Missing:
    """The value of a key a record does not have (JSON Schema records may leave optional keys out)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@attrs.frozen
class RecordChunk:
    """Columns of JSON-ready values (str for dates and times), all of one length, in schema order.


    In a `sparse` chunk some values are MISSING: those records leave the key out (JSON outputs drop
    it, tables write an empty cell or null).

    A column is a list, or any read-only sequence of the same values: the engine's columns hold
    numpy buffers (adapters/columns/vectors.py) that sinks convert without a Python object per value.
    """

    columns: Mapping[str, Sequence[Any]]
    length: int
    sparse: bool = False

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[Any]]) -> RecordChunk:
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns differ in length: {sorted(lengths)}")
        return cls(columns=dict(columns), length=lengths.pop() if lengths else 0)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> RecordChunk:
        return cls(columns={n: [r.get(n) for r in rows] for n in names}, length=len(rows))

    def rows(self) -> list[dict[str, Any]]:
        names = list(self.columns)
        values = [v if type(v) is list else list(v) for v in self.columns.values()]
        if self.sparse:
            return [{k: v for k, v in zip(names, row, strict=True) if v is not MISSING}
                    for row in zip(*values, strict=True)]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows())

    def __len__(self) -> int:
        return self.length

    def head(self, n: int) -> RecordChunk:
        """The first n records (all of them when n >= length)."""
        if n >= self.length:
            return self
        return RecordChunk(columns={k: v[:n] for k, v in self.columns.items()}, length=n, sparse=self.sparse)


def rechunk(rows: Iterable[Mapping[str, Any]], names: Sequence[str], size: int) -> Iterator[RecordChunk]:
    """Group a stream of row dicts into chunks of at most `size` records."""
    buffer: list[Mapping[str, Any]] = []
    for row in rows:
        buffer.append(row)
        if len(buffer) >= size:
            yield RecordChunk.from_rows(buffer, names)
            buffer = []
    if buffer:
        yield RecordChunk.from_rows(buffer, names)
