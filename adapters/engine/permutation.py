"""A keyed pseudo-random permutation of [0, n) (Feistel network with cycle walking), vectorised.

Unique integer ids, enums and dates use it: record i gets value permute(i), so values are unique
across chunks with O(1) memory, and running out is detected exactly.
"""

from __future__ import annotations

import numpy as np

_ROUNDS = 4
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)


def _round_keys(key: int) -> list[np.uint64]:
    rng = np.random.default_rng([key & 0xFFFFFFFF, 0xFE15])
    return [np.uint64(k) for k in rng.integers(0, 2**63, _ROUNDS, dtype=np.int64)]


def _feistel(x: np.ndarray, half: int, keys: list[np.uint64]) -> np.ndarray:
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left, right = x >> shift, x & mask
    with np.errstate(over="ignore"):
        for k in keys:
            f = ((right ^ k) * _M1) ^ (right >> np.uint64(7))
            f = (f * _M2) >> np.uint64(17)
            left, right = right, (left ^ f) & mask
    return (left << shift) | right


def permute(index: np.ndarray, n: int, key: int) -> np.ndarray:
    """Map indices in [0, n) to distinct values in [0, n); indices >= n map to n or more."""
    if n <= 1:
        return index.astype(np.uint64)
    bits = max(2, int(n - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    keys = _round_keys(key)
    out = _feistel(index.astype(np.uint64), half, keys)
    bad = (out >= np.uint64(n)) & (index < np.uint64(n))
    while bad.any():  # cycle-walk values that fell outside [0, n)
        out[bad] = _feistel(out[bad], half, keys)
        bad = (out >= np.uint64(n)) & (index < np.uint64(n))
    out[index >= np.uint64(n)] = np.uint64(n)
    return out
