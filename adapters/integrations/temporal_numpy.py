"""NumpyTemporalAnalyzer: midstreamer's TemporalCompare.analyze re-done in numpy (same numbers, no Node needed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from agentic_synth.domain.integrations.temporal import (
    EDIT_SCALE,
    LCS_SCALE,
    TemporalMetrics,
    checked_series,
    similarity_score,
)

Cell = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


class NumpyTemporalAnalyzer:
    """DTW, LCS and edit distance by dynamic programming along anti-diagonals (each one a few numpy calls).

    Cells on one anti-diagonal depend only on the two before it, so a diagonal is computed at once
    and memory stays O(len a + len b). Values agree with midstreamer 0.2.5 to the last bit for DTW
    (same additions in the same order) and exactly for the integer metrics.
    """

    name = "numpy"

    def analyze(self, a: Sequence[float], b: Sequence[float]) -> TemporalMetrics:
        x, y = np.asarray(checked_series(a, "series a")), np.asarray(checked_series(b, "series b"))
        dtw = float(dtw_distance(x, y))
        longer = max(x.size, y.size)
        return TemporalMetrics(dtw_distance=dtw, lcs_length=lcs_length(x, y), edit_distance=edit_distance(x, y),
                               similarity=similarity_score(dtw, longer), length=longer)

    def analyze_many(self, pairs: Sequence[tuple[Sequence[float], Sequence[float]]]) -> list[TemporalMetrics]:
        return [self.analyze(a, b) for a, b in pairs]

    def close(self) -> None:
        return None


def dtw_distance(a: np.ndarray, b: np.ndarray) -> float:
    def cell(i: np.ndarray, j: np.ndarray, up: np.ndarray, left: np.ndarray, corner: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.abs(a[i - 1] - b[j - 1]) + np.minimum(np.minimum(up, left), corner)
        return result

    return float(_wavefront(a.size, b.size, cell, edge=lambda k: np.inf, origin=0.0, dtype=np.float64))


def lcs_length(a: np.ndarray, b: np.ndarray) -> int:
    qa, qb = _quantised(a, LCS_SCALE, -(2**31), 2**31 - 1), _quantised(b, LCS_SCALE, -(2**31), 2**31 - 1)

    def cell(i: np.ndarray, j: np.ndarray, up: np.ndarray, left: np.ndarray, corner: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.where(qa[i - 1] == qb[j - 1], corner + 1, np.maximum(up, left))
        return result

    return int(_wavefront(a.size, b.size, cell, edge=lambda k: 0, origin=0, dtype=np.int64))


def edit_distance(a: np.ndarray, b: np.ndarray) -> int:
    qa, qb = _quantised(a, EDIT_SCALE, 0, 255), _quantised(b, EDIT_SCALE, 0, 255)

    def cell(i: np.ndarray, j: np.ndarray, up: np.ndarray, left: np.ndarray, corner: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.minimum(np.minimum(up, left) + 1, corner + (qa[i - 1] != qb[j - 1]))
        return result

    return int(_wavefront(a.size, b.size, cell, edge=lambda k: k, origin=0, dtype=np.int64))


def _quantised(values: np.ndarray, scale: int, low: int, high: int) -> np.ndarray:
    """Rust's `(x * scale) as iN/uN`: toward zero, saturating at the type's bounds."""
    return np.clip(np.trunc(values * scale), low, high).astype(np.int64)


def _wavefront(n: int, m: int, cell: Cell, *, edge: Callable[[int], float], origin: float,
               dtype: type[np.generic]) -> float:
    """The DP value at (n, m) of a table whose row 0 and column 0 hold `edge(k)` at (k, 0) and (0, k) (k >= 1).

    Diagonal k holds the cells (i, k - i), indexed by i; `cell` gets their i and j and the values at
    (i-1, j) `up`, (i, j-1) `left` and (i-1, j-1) `corner`.
    """
    before = np.zeros(n + 1, dtype=dtype)  # diagonal k - 2
    before[0] = origin
    last = np.zeros(n + 1, dtype=dtype)  # diagonal k - 1 (k = 1: the edge cells (0, 1) and (1, 0))
    last[0] = edge(1)
    if n >= 1:
        last[1] = edge(1)
    for k in range(2, n + m + 1):
        current = np.zeros(n + 1, dtype=dtype)
        if k <= m:
            current[0] = edge(k)  # (0, k)
        if k <= n:
            current[k] = edge(k)  # (k, 0)
        lo, hi = max(1, k - m), min(n, k - 1)
        if lo <= hi:
            i = np.arange(lo, hi + 1)
            current[lo:hi + 1] = cell(i, k - i, last[lo - 1:hi], last[lo:hi + 1], before[lo - 1:hi])
        before, last = last, current
    return float(last[n]) if n + m >= 1 else float(origin)
