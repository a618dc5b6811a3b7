"""The draws both reference scripts share: the 13-field user schema's columns as plain numpy arrays.

The references are the physical limit our figures are measured against: the same columns as
benchmarks/schemas/users13.json (same vocabularies, same kinds of values, 8,192 records a chunk), made
with nothing but numpy, by the most direct code we could write. They import nothing of agentic-synth:
the word lists are read from the repository's files. Emails are not tracked for uniqueness (a plain
script would not); everything else is the same work.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

VOCAB = Path(__file__).resolve().parent.parent / "adapters" / "engine" / "vocabularies"
CHUNK = 8192
NAMES = ("id", "first_name", "last_name", "email", "age", "score", "plan", "active", "created_at", "birthday",
         "city", "phone", "tags")
PLANS = np.array(["free", "pro", "enterprise"], dtype=object)
PLAN_P = np.array([0.7, 0.25, 0.05])
TAGS = np.array(["new", "vip", "beta", "churn-risk", "staff"], dtype=object)
T0, T1 = 1704067200, 1735689600  # 2024-01-01 .. 2025-01-01 UTC
D0, D1 = -7305, 13148  # 1950-01-01 .. 2005-12-31 in days since the epoch
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
DASHES = (8, 13, 18, 23)


def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in (VOCAB / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _weighted(name: str, col: int) -> tuple[np.ndarray, np.ndarray]:
    rows = _rows(name)
    cdf = np.cumsum([float(r[col]) for r in rows])
    return np.array([r[0] for r in rows], dtype=object), cdf / cdf[-1]


class Vocab:
    """The word lists, loaded once."""

    def __init__(self) -> None:
        self.first, self.first_cdf = _weighted("en_US/first_names.tsv", 2)
        self.last, self.last_cdf = _weighted("en_US/last_names.tsv", 1)
        self.cities = np.array([r[0] for r in _rows("en_US/cities.tsv")], dtype=object)
        self.domains = np.array([r[0] for r in _rows("email_domains.txt")], dtype=object)
        self.phones = [r[0] for r in _rows("en_US/phone_formats.txt")]
        fold = np.vectorize(lambda s: "".join(c for c in s.lower() if c.isalnum()), otypes=[object])
        self.first_folded, self.last_folded = fold(self.first), fold(self.last)


def uuid_bytes(rng: np.random.Generator, n: int) -> np.ndarray:
    """n x 36 ASCII bytes of version-4 UUIDs."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2], digits[:, 1::2] = HEX[raw >> 4], HEX[raw & 0x0F]
    return np.insert(digits, [8, 12, 16, 20], ord("-"), axis=1)


def phone_bytes(rng: np.random.Generator, vocab: Vocab, n: int) -> bytes:
    """n phone numbers filled in from the locale's templates, joined by 0x1f."""
    picks = rng.integers(0, len(vocab.phones), n)
    raw = np.frombuffer("\x1f".join(vocab.phones[i] for i in picks.tolist()).encode(), dtype=np.uint8).copy()
    for char, low in ((b"#", 0), (b"N", 2)):
        hit = raw == char[0]
        raw[hit] = ord("0") + rng.integers(low, 10, int(hit.sum()), dtype=np.uint8)
    return raw.tobytes()


def draw(rng: np.random.Generator, vocab: Vocab, n: int) -> dict[str, np.ndarray | bytes]:
    """One chunk's raw columns: indices into the vocabularies, numbers, bytes."""
    lengths = rng.integers(0, 4, n)
    return {
        "id": uuid_bytes(rng, n),
        "first": vocab.first_cdf.searchsorted(rng.random(n), side="right"),
        "last": vocab.last_cdf.searchsorted(rng.random(n), side="right"),
        "style": rng.integers(0, 4, n), "number": rng.integers(1, 100, n),
        "domain": rng.integers(0, len(vocab.domains), n),
        "age": rng.integers(18, 91, n), "score": np.round(rng.uniform(0, 100, n), 2),
        "plan": PLAN_P.cumsum().searchsorted(rng.random(n), side="right"),
        "active": rng.random(n) < 0.5,
        "created_at": rng.integers(T0, T1 + 1, n), "birthday": rng.integers(D0, D1 + 1, n),
        "city": rng.integers(0, len(vocab.cities), n),
        "phone": phone_bytes(rng, vocab, n), "phone_null": rng.random(n) < 0.2,
        "tag_offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32),
        "tags": rng.integers(0, len(TAGS), int(lengths.sum())),
    }
