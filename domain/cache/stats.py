"""CacheStats: what a response cache holds and how it has been used."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class CacheStats:
    """Counters and size of a response cache.

    `hits`/`misses` count lookups, `evictions` entries pushed out by the size bounds,
    `expirations` entries dropped after their TTL; `size` is the number of entries and `bytes`
    their stored size. A bound of None means unbounded; `path` is None for a cache in memory;
    `note` says why a persistent cache is running without its file (corrupt, foreign, newer).
    """

    backend: str
    hits: int = 0
    misses: int = 0
    writes: int = 0
    evictions: int = 0
    expirations: int = 0
    size: int = 0
    bytes: int = 0
    max_entries: int | None = None
    max_bytes: int | None = None
    default_ttl: float | None = None
    path: str | None = None
    note: str = ""

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["hit_rate"] = round(self.hit_rate, 4)
        return out
