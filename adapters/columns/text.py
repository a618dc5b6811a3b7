"""Vectorised UTF-8 text: split and join 0x1f-joined bytes, concatenate per-row pieces, decimal digits, hex.

A piece is (source bytes, start of each row's bytes in it, each row's length): a vocabulary pick, a
literal, a column of texts. `concat` lays the pieces of every row side by side with a few numpy
passes over the bytes, so composed strings (emails, usernames) never exist as Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

SEP = 0x1F
Piece = tuple[np.ndarray, np.ndarray, np.ndarray]
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def utf8(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, n+1 offsets) of str values (None counts as empty); AttributeError on anything else."""
    encoded = [b"" if v is None else v.encode() for v in values]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def split_texts(joined: bytes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(bytes without the separators, n+1 offsets) of n values joined by 0x1f."""
    raw = np.frombuffer(joined, dtype=np.uint8)
    if n <= 1:
        return raw.copy(), np.array([0, len(raw)] if n == 1 else [0], dtype=np.int64)
    seps = np.flatnonzero(raw == SEP)
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0], offsets[-1] = 0, len(raw) - len(seps)
    offsets[1:-1] = seps - np.arange(len(seps))
    return raw[raw != SEP], offsets


def join_texts(data: np.ndarray, offsets: np.ndarray) -> bytes | None:
    """The values joined by 0x1f, or None when a value holds 0x1f itself."""
    if (data == SEP).any():
        return None
    return bytes(np.insert(data, offsets[1:-1], SEP).data) if len(offsets) > 2 else data.tobytes()


def gather(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray, total: int) -> np.ndarray:
    """source[starts[i]:starts[i] + lengths[i]] for every i, laid end to end (`total` = lengths.sum()).

    One index per output byte, as a running sum: 1 within a segment, a jump at each segment's first
    byte; then one gather. Four passes over the output whatever the number of segments.
    """
    if total == 0:
        return np.empty(0, dtype=np.uint8)
    keep = lengths > 0
    if not keep.all():
        starts, lengths = starts[keep], lengths[keep]
    heads = np.cumsum(lengths)
    heads -= lengths
    jump = starts.astype(np.intp, copy=True)
    jump[1:] -= starts[:-1] + lengths[:-1] - 1
    index = np.ones(total, dtype=np.intp)
    index[heads] = jump
    np.cumsum(index, out=index)
    out: np.ndarray = source[index]
    return out


def concat(pieces: list[Piece], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, n+1 offsets) of each row's pieces laid end to end."""
    lengths = np.empty((n, len(pieces)), dtype=np.intp)
    starts = np.empty((n, len(pieces)), dtype=np.intp)
    sources, base = [], 0
    for j, (source, first, length) in enumerate(pieces):
        lengths[:, j] = length
        starts[:, j] = first
        if base:
            starts[:, j] += base
        sources.append(source)
        base += len(source)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths.sum(axis=1), out=offsets[1:])
    source = sources[0] if len(sources) == 1 else np.concatenate(sources) if sources else np.empty(0, np.uint8)
    return gather(source, starts.reshape(-1), lengths.reshape(-1), int(offsets[-1])), offsets


def literal(text: bytes, where: np.ndarray) -> Piece:
    """`text` in the rows where `where` is True, nothing elsewhere."""
    source = np.frombuffer(text, dtype=np.uint8)
    return source, np.zeros(len(where), dtype=np.int64), where.astype(np.int64) * len(source)


def picked(data: np.ndarray, offsets: np.ndarray, codes: np.ndarray) -> Piece:
    """Row i gets value codes[i] of a vocabulary's (bytes, offsets)."""
    starts = offsets[codes]
    return data, starts, offsets[codes + 1] - starts


def decimal(values: np.ndarray) -> Piece:
    """Non-negative integers as decimal text."""
    v = values.astype(np.int64)
    width = max(1, len(str(int(v.max())))) if len(v) else 1
    digits = np.empty((len(v), width), dtype=np.uint8)
    rest = v.copy()
    for col in range(width - 1, -1, -1):
        digits[:, col] = 48 + rest % 10
        rest //= 10
    count = np.ones(len(v), dtype=np.int64)
    for power in range(1, width):
        count += v >= 10 ** power
    return digits.reshape(-1), np.arange(len(v), dtype=np.int64) * width + (width - count), count


def hex_digits(raw: np.ndarray) -> np.ndarray:
    """An n x k array of bytes as n x 2k lower-case hex digits."""
    out = np.empty((raw.shape[0], raw.shape[1] * 2), dtype=np.uint8)
    out[:, 0::2], out[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 0x0F]
    return out
