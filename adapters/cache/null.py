"""NullResponseCache: the cache used when caching is off; it keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentic_synth.domain.cache.stats import CacheStats


class NullResponseCache:
    """Every lookup misses and nothing is stored."""

    backend = "none"

    def get(self, key: str) -> Any | None:
        return None

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        return None

    def delete(self, key: str) -> bool:
        return False

    def clear(self) -> None:
        return None

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(())

    def stats(self) -> CacheStats:
        return CacheStats(backend=self.backend)
