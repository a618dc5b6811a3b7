"""Seeded draws for datasets: children per parent, parents for a reference, distinct picks for link tables."""

from __future__ import annotations

import hashlib
import math
import zlib

import numpy as np

from agentic_synth.adapters.engine.permutation import permute
from agentic_synth.domain.dataset.model import Cardinality
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.requests import CHUNK_SIZE

_MAX_ROUNDS = 200


def table_seed(seed: int, table: str) -> int:
    """A table's seed from the dataset seed and its name alone (adding a table changes no other)."""
    digest = hashlib.sha256(f"agentic-synth/dataset:{seed}:{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def stream(seed: int, block: int, name: str) -> np.random.Generator:
    """The random stream of one purpose (`per_parent`, `ref:user_id`...) in one block of a table."""
    return np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, block, zlib.crc32(name.encode())])


def key_of(seed: int, name: str) -> int:
    return zlib.crc32(f"{seed}:{name}".encode())


def parents_per_block(card: Cardinality) -> int:
    """How many parents a block of children covers: about CHUNK_SIZE children a block (part of the seed contract)."""
    return max(1, CHUNK_SIZE // max(1, math.ceil(card.expected)))


def children_per_parent(card: Cardinality, n: int, rng: np.random.Generator, where: str) -> np.ndarray:
    """Each of n parents' number of children; a Poisson outside [min, max] is drawn again, not clipped."""
    if card.distribution == "fixed":
        return np.full(n, card.min, dtype=np.int64)
    if card.distribution == "uniform":
        assert card.max is not None
        return rng.integers(card.min, card.max + 1, n, dtype=np.int64)
    assert card.mean is not None
    counts = rng.poisson(card.mean, n).astype(np.int64)
    hi = np.iinfo(np.int64).max if card.max is None else card.max
    for _ in range(_MAX_ROUNDS):
        bad = np.flatnonzero((counts < card.min) | (counts > hi))
        if not bad.size:
            return counts
        counts[bad] = rng.poisson(card.mean, bad.size)
    raise UsageError(f"{where}: a Poisson count with mean {card.mean} almost never lies between "
                     f"{card.min} and {card.max}; move the mean inside the bounds")


def uniform_parents(parents: int, n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, parents, n, dtype=np.int64)


def earlier_rows(first_row: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """For rows first_row.. of a table, a row before each (a self-reference can never make a cycle); -1 for row 0."""
    rows = np.arange(first_row, first_row + n, dtype=np.int64)
    picks = np.floor(rng.random(n) * rows).astype(np.int64)
    picks[rows == 0] = -1
    return picks


def distinct_parents(first_row: int, n: int, parents: int, key: int) -> np.ndarray:
    """One-to-one: row i gets parent permute(i), so no parent is chosen twice (needs count <= parents)."""
    return permute(np.arange(first_row, first_row + n, dtype=np.uint64), parents, key).astype(np.int64)


def distinct_pairs(first_row: int, n: int, left: int, right: int, key: int) -> tuple[np.ndarray, np.ndarray]:
    """A link table without per_parent: row i gets pair permute(i) of left x right, so no pair repeats."""
    pair = permute(np.arange(first_row, first_row + n, dtype=np.uint64), left * right, key).astype(np.int64)
    return pair // right, pair % right


def distinct_within_groups(sizes: np.ndarray, parents: int, rng: np.random.Generator) -> np.ndarray:
    """For consecutive groups of rows (one group per driving parent), parents that do not repeat inside a group."""
    n = int(sizes.sum())
    group = np.repeat(np.arange(len(sizes)), sizes)
    picks = rng.integers(0, parents, n, dtype=np.int64)
    for _ in range(_MAX_ROUNDS):
        order = np.lexsort((picks, group))
        g, p = group[order], picks[order]
        repeat = np.flatnonzero((g[1:] == g[:-1]) & (p[1:] == p[:-1])) + 1
        if not repeat.size:
            return picks
        picks[order[repeat]] = rng.integers(0, parents, repeat.size, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])  # dense groups: sample those without replacement
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        if size > 1 and len(set(picks[start:start + size].tolist())) < size:
            picks[start:start + size] = rng.choice(parents, size, replace=False)
    return picks
