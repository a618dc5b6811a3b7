"""CacheControl: `synth.cache` in the SDK and `agentic-synth cache` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentic_synth.adapters.cache.location import cache_dir
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import exact_key, loose_key
from agentic_synth.domain.cache.stats import CacheStats
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import ResponseCache

_FILTERS = ("model", "provider", "purpose", "kind")


class CacheControl:
    """Look at and prune the response cache the configuration selects."""

    def __init__(self, container: Any) -> None:
        self._container = container

    @property
    def _cache(self) -> ResponseCache:
        cache: ResponseCache = self._container.response_cache()
        return cache

    def stats(self) -> CacheStats:
        """Hits, misses, writes, evictions, expirations, entries and bytes (shared by all processes on disk)."""
        return self._cache.stats()

    def clear(self) -> None:
        """Remove every entry."""
        self._cache.clear()

    def path(self) -> Path | None:
        """The directory of the persistent cache; None when the cache is off or in memory only."""
        where: Path | None = cache_dir(self._container.settings().cache)
        return where

    def invalidate(self, key: str | ModelRequest | None = None, **where: str) -> int:
        """Remove entries; return how many went.

        `key` is a cache key or the ModelRequest whose reply should go; keyword filters
        (`model=`, `provider=`, `purpose=`, `kind=`) remove every entry matching all of them,
        for example `invalidate(model="gpt-4o-mini")` or `invalidate(purpose="plan")`.
        """
        unknown = sorted(set(where) - set(_FILTERS))
        if unknown:
            raise UsageError(f"invalidate: unknown filter '{unknown[0]}' (use {', '.join(_FILTERS)})")
        if (key is None) == (not where):
            raise UsageError("invalidate: give a key or request, or filters such as model=..., not both")
        cache = self._cache
        if isinstance(key, ModelRequest):
            return sum(cache.delete(k) for k in (exact_key(key), loose_key(key)) if k is not None)
        if isinstance(key, str):
            return int(cache.delete(key))
        doomed = [k for k, entry in cache.items()
                  if isinstance(entry, dict) and all(entry.get(name) == value for name, value in where.items())]
        return sum(cache.delete(k) for k in doomed)
