"""Columns held in numpy buffers (numbers, UTF-8 text with offsets, vocabulary picks, instants, lists, structs).

The engine's column makers return these; a chunk's column is one of them or a plain list. Each is
a read-only sequence of Python values (`to_list()`, made once and kept), and converts to Arrow
(adapters/columns/arrow.py) or to CSV cells without making a Python object per value. Nulls are a
boolean mask (True where the value is null), applied on conversion. Nothing here imports pyarrow.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.text import join_texts, split_texts, utf8


class Column(Sequence[Any]):
    """A read-only sequence of Python values backed by buffers; `null` marks the missing ones."""

    __slots__ = ("_list", "null")

    def __init__(self, null: np.ndarray | None = None) -> None:
        self.null = null if null is not None and null.any() else None
        self._list: list[Any] | None = None

    def __len__(self) -> int:
        raise NotImplementedError

    def values(self) -> list[Any]:
        """The Python values, ignoring the null mask."""
        raise NotImplementedError

    def to_list(self) -> list[Any]:
        """The Python values, None where null: exactly what the row formats (JSON, rows) hold."""
        if self._list is None:
            self._list = self.python_values()
        return self._list

    def python_values(self) -> list[Any]:
        """What to_list() gives, not kept by the column unless it already was: for a reader that needs
        them once (the JSON sinks), so they die with its rows rather than with the chunk."""
        if self._list is not None:
            return self._list
        out = self.values()
        if self.null is not None:
            for i in np.flatnonzero(self.null).tolist():
                out[i] = None
        return out

    def with_nulls(self, mask: np.ndarray) -> Column:
        """The same column with `mask` (True = null) added to its nulls."""
        clone = copy.copy(self)
        merged = mask if self.null is None else (mask | self.null)
        clone.null = merged if merged.any() else None
        clone._list = None
        return clone

    def valid(self) -> np.ndarray | None:
        return None if self.null is None else ~self.null

    def __getitem__(self, index: Any) -> Any:  # a slice is a plain list: slicing is for rare paths
        return self.to_list()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.to_list())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Column | list):
            return self.to_list() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_list()!r})"


class Numbers(Column):
    """int64, float64 or bool values in one numpy array."""

    __slots__ = ("data",)

    def __init__(self, data: np.ndarray, null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def values(self) -> list[Any]:
        out: list[Any] = self.data.tolist()
        return out


class Texts(Column):
    """UTF-8 strings: one byte buffer and n+1 offsets (Arrow's layout), or the bytes joined by 0x1f.

    Either form is made from the other on demand: the offsets one for Arrow and CSV, the joined one
    for Python strings (one decode and one split for the whole column).
    """

    __slots__ = ("_data", "_joined", "_n", "_offsets", "width")

    def __init__(self, data: np.ndarray | None, offsets: np.ndarray | None, null: np.ndarray | None = None,
                 *, joined: bytes | None = None, n: int | None = None, width: int | None = None) -> None:
        super().__init__(null)
        self._data, self._offsets, self._joined = data, offsets, joined
        self._n = n if n is not None else len(offsets) - 1  # type: ignore[arg-type]
        self.width = width  # every value has this many ASCII bytes

    @classmethod
    def fixed(cls, chars: np.ndarray, null: np.ndarray | None = None) -> Texts:
        """From an n x width array of ASCII bytes."""
        n, width = chars.shape
        return cls(np.ascontiguousarray(chars).reshape(-1), np.arange(0, n * width + 1, width, dtype=np.int64),
                   null, width=width)

    @classmethod
    def from_joined(cls, joined: bytes, n: int, null: np.ndarray | None = None) -> Texts:
        """From n values joined by 0x1f (which none of them holds)."""
        return cls(None, None, null, joined=joined, n=n)

    @classmethod
    def from_strings(cls, values: list[str], null: np.ndarray | None = None) -> Texts:
        column = cls.from_joined("\x1f".join(values).encode(), len(values), null)
        column._list = values if null is None else None
        return column

    def __len__(self) -> int:
        return self._n

    @property
    def data(self) -> np.ndarray:
        if self._data is None:
            self._data, self._offsets = split_texts(self._joined, self._n)  # type: ignore[arg-type]
        return self._data

    @property
    def offsets(self) -> np.ndarray:
        if self._offsets is None:
            self._data, self._offsets = split_texts(self._joined, self._n)  # type: ignore[arg-type]
        return self._offsets  # type: ignore[return-value]

    def values(self) -> list[Any]:
        if self._n == 0:
            return []
        if self.width is not None and self._data is not None:
            out: list[Any] = self._data.astype(np.uint32).view(f"<U{self.width}").tolist() if self.width else \
                [""] * self._n
            return out
        if self._joined is None:
            self._joined = join_texts(self._data, self._offsets)  # type: ignore[arg-type]
        if self._joined is None:  # a value holds 0x1f itself: decode one by one
            data, off = self.data.tobytes(), self.offsets.tolist()
            return [data[a:b].decode() for a, b in itertools.pairwise(off)]
        return self._joined.decode().split("\x1f")


class Vocabulary:
    """The values a Picks column chooses from, with their UTF-8 bytes (for text ops) made on demand."""

    __slots__ = ("_arrow", "_bytes", "derived", "values")

    def __init__(self, values: np.ndarray) -> None:
        self.values = values  # an object array
        self._bytes: tuple[np.ndarray, np.ndarray] | None = None
        self._arrow: dict[Any, Any] = {}
        self.derived: dict[Any, Any] = {}  # what is made from the values once: the ASCII-folded names, CSV cells

    def __len__(self) -> int:
        return len(self.values)

    def texts(self) -> tuple[np.ndarray, np.ndarray]:
        """(bytes, offsets) of the values as UTF-8 text."""
        if self._bytes is None:
            self._bytes = utf8([str(v) for v in self.values.tolist()])
        return self._bytes

    def arrow(self, key: Any, make: Any) -> Any:
        """The values as an Arrow array for `key` (a type), made once by `make()`."""
        if key not in self._arrow:
            self._arrow[key] = make()
        return self._arrow[key]


_VOCABULARIES: dict[int, tuple[Any, Vocabulary]] = {}


def vocabulary(values: Any, convert: Callable[[Any], Any] | None = None) -> Vocabulary:
    """The Vocabulary of an object array or tuple that lives for the whole run (memoised by identity).

    `convert` turns each value into what records hold (e.g. a schema's frozen enum values thawed).
    """
    hit = _VOCABULARIES.get(id(values))
    if hit is not None and hit[0] is values:
        return hit[1]
    if convert is not None:
        array = _object_array([convert(v) for v in values])
    else:
        array = values if isinstance(values, np.ndarray) else _object_array(values)
    made = Vocabulary(array)
    if len(_VOCABULARIES) > 4096:  # many runs in one process (batch, a server): keep the cache bounded
        _VOCABULARIES.clear()
    _VOCABULARIES[id(values)] = (values, made)
    return made


def _object_array(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


class Picks(Column):
    """Values chosen from a vocabulary: integer codes into it (a dictionary column)."""

    __slots__ = ("codes", "vocabulary")

    def __init__(self, codes: np.ndarray, vocab: Vocabulary, null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.codes, self.vocabulary = codes, vocab

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> list[Any]:
        out: list[Any] = self.vocabulary.values[self.codes].tolist()
        return out


class Instants(Column):
    """Datetimes as epoch seconds (int64), shown in the field's format."""

    __slots__ = ("fmt", "seconds")

    def __init__(self, seconds: np.ndarray, fmt: str | None, null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.seconds, self.fmt = seconds, fmt

    def __len__(self) -> int:
        return len(self.seconds)

    def values(self) -> list[Any]:
        from agentic_synth.adapters.engine.temporal_columns import format_datetimes

        return format_datetimes(self.seconds, self.fmt)


class Days(Column):
    """Dates as proleptic ordinals (int64), shown as ISO dates."""

    __slots__ = ("ordinals",)

    def __init__(self, ordinals: np.ndarray, null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.ordinals = ordinals

    def __len__(self) -> int:
        return len(self.ordinals)

    def values(self) -> list[Any]:
        from agentic_synth.adapters.engine.temporal_columns import format_dates

        return format_dates(self.ordinals)


class Lists(Column):
    """Arrays: n+1 offsets into one flat column of items."""

    __slots__ = ("items", "offsets")

    def __init__(self, offsets: np.ndarray, items: Sequence[Any], null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.offsets, self.items = offsets, items

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def values(self) -> list[Any]:
        flat = self.items.to_list() if isinstance(self.items, Column) else list(self.items)
        bounds = self.offsets.tolist()
        return list(map(flat.__getitem__, map(slice, bounds[:-1], bounds[1:])))


class Structs(Column):
    """Objects: one column per field."""

    __slots__ = ("fields", "n")

    def __init__(self, fields: dict[str, Sequence[Any]], n: int, null: np.ndarray | None = None) -> None:
        super().__init__(null)
        self.fields, self.n = fields, n

    def __len__(self) -> int:
        return self.n

    def values(self) -> list[Any]:
        names = list(self.fields)
        cols = [c.to_list() if isinstance(c, Column) else c for c in self.fields.values()]
        return [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)]


def may_hold_objects(values: Sequence[Any]) -> bool:
    """Could a Python value of this column be, or hold, a dict (a JSON object)? False only when its kind
    says no: numbers, texts, instants, days, picks from a vocabulary of plain values, lists of those."""
    if isinstance(values, Numbers | Texts | Instants | Days):
        return False
    if isinstance(values, Picks):
        known = values.vocabulary.derived
        if "holds objects" not in known:
            known["holds objects"] = not all(v is None or isinstance(v, str | int | float)
                                             for v in values.vocabulary.values.tolist())
        return bool(known["holds objects"])
    if isinstance(values, Lists):
        return may_hold_objects(values.items)
    return True


def as_list(values: Sequence[Any]) -> list[Any]:
    """A column's Python values (a list as it is)."""
    if type(values) is list:
        return values
    return values.to_list() if isinstance(values, Column) else list(values)
