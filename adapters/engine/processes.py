"""Vectorised stochastic processes: AR(1) filtering and random walks along the time axis, with carried state."""

from __future__ import annotations

import math

import numpy as np

_MAX_BLOCK = 1024


def ar1(e: np.ndarray, phi: float, x0: np.ndarray) -> np.ndarray:
    """x[:, t] = phi * x[:, t-1] + e[:, t] along the last axis, with x[:, -1] = x0 (one row per series).

    Works in blocks: inside a block the recursion is a scaled cumulative sum (phi^-k stays finite
    because the block is short enough), and a short loop carries the state from block to block.
    """
    rows, n = e.shape
    if n == 0:
        return e.copy()
    if phi == 0:
        return e.copy()
    digits = -math.log10(abs(phi))
    length = min(n, _MAX_BLOCK, max(1, int(250 / digits) if digits > 0 else _MAX_BLOCK))
    pad = (-n) % length
    padded = np.pad(e, ((0, 0), (0, pad))) if pad else e
    blocks = padded.reshape(rows, -1, length)
    k = np.arange(length, dtype=np.float64)
    scan = np.cumsum(blocks * phi ** (-k), axis=-1) * phi ** k
    lead = phi ** (k + 1)
    out = np.empty_like(scan)
    carry = np.asarray(x0, dtype=np.float64)
    for m in range(blocks.shape[1]):
        out[:, m, :] = scan[:, m, :] + carry[:, None] * lead
        carry = out[:, m, -1]
    result: np.ndarray = out.reshape(rows, -1)[:, :n]
    return result


def walk(steps: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """A random walk: x0 plus the running sum of the steps along the last axis."""
    result: np.ndarray = np.cumsum(steps, axis=-1) + np.asarray(x0, dtype=np.float64)[:, None]
    return result
