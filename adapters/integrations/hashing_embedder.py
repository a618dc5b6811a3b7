"""HashingEmbedder: records and queries as fixed-size vectors by feature hashing (offline, deterministic)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from hashlib import blake2b
from typing import Any

import numpy as np
import orjson

from agentic_synth.domain.errors import UsageError

_WORD = re.compile(r"\w+")
_TRIGRAM_WEIGHT = 0.5
_CACHE_LIMIT = 200_000


def record_text(record: Mapping[str, Any]) -> str:
    """The text of a record that is embedded: its values (not its field names), in field order."""
    parts = []
    for value in record.values():
        if value is None:
            continue
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, bool | int | float):
            parts.append(str(value))
        else:
            parts.append(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode())
    return " ".join(parts)


class HashingEmbedder:
    """Bag of words and character trigrams, hashed (blake2b, signed) into `dimensions` buckets, L2-normalised.

    Lexical, not semantic: texts are near when they share words or spellings ("jon" ~ "john"),
    never because they mean the same ("car" and "automobile" are unrelated). Same text, same
    vector, on every machine and Python version; no model, no network. A text with no words
    maps to the first basis vector.
    """

    def __init__(self, dimensions: int = 512) -> None:
        if isinstance(dimensions, bool) or not isinstance(dimensions, int) or not 16 <= dimensions <= 8192:
            raise UsageError(f"hashing embedder: dimensions must be a whole number in 16..8192, got {dimensions!r}")
        self.dimensions = dimensions
        self._features: dict[str, tuple[list[int], list[float]]] = {}

    @property
    def name(self) -> str:
        """Identifies the vectors this embedder makes (stores refuse to mix embedders)."""
        return f"hashing-v1-{self.dimensions}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, row)) for row in self.embed_array(texts)]

    def embed_records(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        return self.embed_array([record_text(r) for r in records])

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, dimensions) float32 array of unit rows (vectorised: Python touches each word once)."""
        local: dict[str, int] = {}
        tokens: list[int] = []
        counts: list[int] = []
        for text in texts:
            words = _WORD.findall(text.lower())
            tokens.extend([local.setdefault(w, len(local)) for w in words])
            counts.append(len(words))
        lengths: list[int] = []
        flat_idx: list[int] = []
        flat_val: list[float] = []
        for word in local:  # insertion order = local id
            idx, val = self._feature(word)
            lengths.append(len(idx))
            flat_idx.extend(idx)
            flat_val.extend(val)
        n, dim = len(texts), self.dimensions
        word_ids = np.asarray(tokens, dtype=np.int64)
        rows_of_tokens = np.repeat(np.arange(n, dtype=np.int64), np.asarray(counts, dtype=np.int64))
        word_len = np.asarray(lengths, dtype=np.int64)
        word_start = np.cumsum(word_len) - word_len
        per_token = word_len[word_ids] if word_ids.size else np.zeros(0, dtype=np.int64)
        token_of_feature = np.repeat(np.arange(word_ids.size, dtype=np.int64), per_token)
        offsets = np.arange(token_of_feature.size, dtype=np.int64) - np.repeat(np.cumsum(per_token) - per_token,
                                                                                per_token)
        positions = word_start[word_ids][token_of_feature] + offsets if word_ids.size else offsets
        cols = np.asarray(flat_idx, dtype=np.int64)[positions]
        vals = np.asarray(flat_val, dtype=np.float64)[positions]
        out = np.bincount(rows_of_tokens[token_of_feature] * dim + cols, weights=vals,
                          minlength=n * dim).reshape(n, dim)
        norms = np.linalg.norm(out, axis=1)
        empty = norms == 0
        out[empty, 0] = 1.0
        norms[empty] = 1.0
        return (out / norms[:, None]).astype(np.float32)

    def _feature(self, word: str) -> tuple[list[int], list[float]]:
        cached = self._features.get(word)
        if cached is not None:
            return cached
        padded = f"<{word}>"
        keys = [f"w:{word}"] + [f"t:{padded[i:i + 3]}" for i in range(len(padded) - 2)]
        weights = [1.0] + [_TRIGRAM_WEIGHT] * (len(keys) - 1)
        idx: list[int] = []
        val: list[float] = []
        for key, weight in zip(keys, weights, strict=True):
            h = int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little")
            idx.append(h % self.dimensions)
            val.append(weight if h >> 63 else -weight)
        if len(self._features) >= _CACHE_LIMIT:
            self._features.clear()
        self._features[word] = (idx, val)
        return idx, val
