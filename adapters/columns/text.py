"""Vectorised UTF-8 text: split and join 0x1f-joined bytes, concatenate per-row pieces, decimal digits, hex.

A piece is (source bytes, start of each row's bytes in it, each row's length): a vocabulary pick, a
literal, a column of texts. `concat` lays the pieces of every row side by side with a few numpy
passes over the bytes, so composed strings (emails, usernames) never exist as Python objects.
"""

from __future__ import annotations

import numpy as np

SEP = 0x1F
Piece = tuple[np.ndarray, np.ndarray, np.ndarray]
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


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


def concat(pieces: list[Piece], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, n+1 offsets) of each row's pieces laid end to end."""
    total = np.zeros(n, dtype=np.int64)
    for _, _, lengths in pieces:
        total += lengths
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(total, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    pos = offsets[:-1].copy()
    for source, starts, lengths in pieces:
        size = int(lengths.sum())
        if size:
            ends = np.cumsum(lengths)
            base = np.repeat(ends - lengths, lengths)
            step = np.arange(size, dtype=np.int64) - base
            out[np.repeat(pos, lengths) + step] = source[np.repeat(starts, lengths) + step]
        pos += lengths
    return out, offsets


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
