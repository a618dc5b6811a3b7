"""Arrow arrays made from buffers: numpy data, UTF-8 bytes with offsets, and plain Python lists.

`pa.array()` asks pandas whether its argument is a Series (pyarrow's pandas shim imports pandas on
the first call when it is installed: ~50 MB of memory and ~0.4 s), so the engine's columns never go
through it: fixed-width values and bitmaps are wrapped with `from_buffers`, texts are encoded here.
Only Python values of other kinds (dates in lists, nested values) are left to `pa.array`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from agentic_synth.adapters.columns.text import utf8

_PLAIN_KINDS = {pa.int64(): "i", pa.float64(): "if", pa.bool_(): "b"}


def validity(null: np.ndarray | None) -> pa.Buffer | None:
    """Arrow's validity bitmap (1 = present) of a boolean null mask, or None when nothing is null."""
    return None if null is None else pa.py_buffer(np.packbits(~null, bitorder="little"))


def fixed(typ: pa.DataType, data: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A fixed-width array over `data`'s buffer (its dtype is the type's width)."""
    return pa.Array.from_buffers(typ, len(data), [validity(null), pa.py_buffer(np.ascontiguousarray(data))],
                                 null_count=-1 if null is not None else 0)


def booleans(data: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A boolean array of a numpy bool array, bit-packed."""
    bits = pa.py_buffer(np.packbits(data, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(data), [validity(null), bits],
                                 null_count=-1 if null is not None else 0)


def numbers(typ: pa.DataType, data: np.ndarray, null: np.ndarray | None = None) -> pa.Array | None:
    """A numeric or boolean array of `typ` over `data` (converted exactly), or None if it does not fit."""
    kind = data.dtype.kind
    if typ == pa.bool_():
        return booleans(data, null) if kind == "b" else None
    if typ == pa.float64() and kind in "iuf":
        return fixed(typ, data.astype(np.float64, copy=False), null)
    if typ == pa.int64() and (kind == "i" or (kind == "u" and data.dtype.itemsize < 8)):
        return fixed(typ, data.astype(np.int64, copy=False), null)
    return None


def strings(data: np.ndarray, offsets: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A string array over UTF-8 bytes and n+1 offsets; `null` marks the missing values."""
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data),
                                       validity(null), null_count=-1 if null is not None else 0)


def from_python(values: Sequence[Any], typ: pa.DataType) -> pa.Array:
    """Python values as an array of `typ`: texts and plain numbers here, anything else by pa.array."""
    nulls = [v is None for v in values]
    null = np.array(nulls, dtype=np.bool_) if any(nulls) else None
    if pa.types.is_string(typ):
        try:
            encoded = utf8(values)
        except AttributeError:  # not all str: pyarrow converts (bytes) or says which value is wrong
            encoded = None
        return pa.array(values, type=typ) if encoded is None else strings(*encoded, null)
    kinds = _PLAIN_KINDS.get(typ)
    if kinds is not None and null is None and values:
        data = np.array(values)
        if data.ndim == 1 and data.dtype.kind in kinds:
            made = numbers(typ, data)
            if made is not None:
                return made
    return pa.array(values, type=typ)
