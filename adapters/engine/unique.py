"""SeenValues: what a unique field has produced so far, as 64-bit content hashes in sorted numpy runs.

Eight bytes a value (a million unique emails cost 8 MB, not the ~100 MB a set of strings would), and
the hash is computed from the text itself, never from Python's per-process `hash()`, so which values
count as repeats (and are redrawn) is the same in every run: seeded output stays byte-identical.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_P = 0x100000001B3
_SEP = 0x1F
_powers = np.ones(1, dtype=np.uint64)


def _power_table(size: int) -> np.ndarray:
    """P**i (mod 2**64) for i in [0, size), grown on demand to the longest value seen, and kept."""
    global _powers
    if len(_powers) < size:
        size = max(size, 2 * len(_powers), 256)
        with np.errstate(over="ignore"):
            _powers = np.concatenate([np.ones(1, dtype=np.uint64),
                                      np.cumprod(np.full(size - 1, _P, dtype=np.uint64))])
    return _powers


def hash64(values: list[Any]) -> np.ndarray:
    """A 64-bit hash of each value's UTF-8 text (str as is, anything else by a marked repr), vectorised.

    All values are joined and encoded once; each value's hash is a polynomial over its own bytes
    (summed per value with reduceat), mixed with its length and a splitmix64 finaliser.
    """
    if not values:
        return np.empty(0, dtype=np.uint64)
    texts = values
    try:
        joined = "\x1f".join(texts)
    except TypeError:
        texts = [v if type(v) is str else f"\0{v!r}" for v in values]
        joined = "\x1f".join(texts)
    raw = np.frombuffer(joined.encode(), dtype=np.uint8)
    seps = np.flatnonzero(raw == _SEP)
    if len(seps) == len(texts) - 1:
        lengths = np.diff(seps, prepend=-1, append=len(raw)) - 1
    else:  # a value holds the separator itself: take each value's length instead
        lengths = np.array([len(t.encode()) for t in texts], dtype=np.int64)
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    local = np.arange(len(raw)) - np.repeat(starts, lengths + 1)[:len(raw)]  # position inside the value
    terms = np.zeros(len(raw) + 1, dtype=np.uint64)  # one spare zero: the last value may be empty
    with np.errstate(over="ignore"):
        terms[:-1] = (raw.astype(np.uint64) + np.uint64(1)) * _power_table(int(lengths.max()) + 1)[local]
        terms[(starts + lengths)[:-1]] = 0  # the separators add nothing
        h = np.add.reduceat(terms, starts)
        h += np.uint64(0x632BE59BD9B4E019)
        h ^= lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


class SeenValues:
    """A growing set of hashes: sorted runs merged like a log-structured tree, so adding stays cheap."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(r) for r in self._runs)

    def admit(self, hashes: np.ndarray) -> np.ndarray:
        """Record the new hashes; True where a hash is new (not seen before, first of its kind here).

        The batch is sorted once: lookups with sorted keys walk each run in order (cache friendly),
        repeats inside the batch sit next to each other, and the new run is already sorted.
        """
        order = np.argsort(hashes, kind="stable")
        keys = hashes[order]
        fresh_sorted = np.ones(len(keys), dtype=bool)
        fresh_sorted[1:] = keys[1:] != keys[:-1]  # stable: the earliest of equal hashes stays fresh
        for run in self._runs:
            pos = np.minimum(run.searchsorted(keys), len(run) - 1)
            fresh_sorted &= run[pos] != keys
        fresh = np.empty(len(keys), dtype=bool)
        fresh[order] = fresh_sorted
        if fresh_sorted.any():
            self._add(keys[fresh_sorted])
        return fresh

    def _add(self, run: np.ndarray) -> None:
        self._runs.append(run)
        while len(self._runs) > 1 and len(self._runs[-2]) <= 2 * len(self._runs[-1]):
            top = self._runs.pop()
            merged = np.concatenate([self._runs[-1], top])
            merged.sort(kind="stable")  # in place: two sorted runs, merged in one linear pass
            self._runs[-1] = merged
