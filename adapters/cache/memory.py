"""InMemoryResponseCache: an LRU of model replies bounded by entries and bytes, with TTLs."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import attrs
import orjson

from agentic_synth.domain.cache.stats import CacheStats
from agentic_synth.domain.ports import Clock


@attrs.define
class _Entry:
    data: bytes
    expires: float  # clock.monotonic() deadline; math.inf never expires

    @property
    def size(self) -> int:
        return len(self.data)


def expiry(now: float, ttl: float | None, default_ttl: float | None) -> float | None:
    """The deadline of an entry written at `now`, math.inf for never, None when it must not be stored."""
    seconds = default_ttl if ttl is None else ttl
    if seconds is None or seconds == math.inf:
        return math.inf
    return now + seconds if seconds > 0 else None


def check_bounds(max_entries: int | None, max_bytes: int | None, default_ttl: float | None) -> None:
    if max_entries is not None and max_entries < 1:
        raise ValueError(f"max_entries must be >= 1 or None, got {max_entries}")
    if max_bytes is not None and max_bytes < 1:
        raise ValueError(f"max_bytes must be >= 1 or None, got {max_bytes}")
    if default_ttl is not None and not default_ttl > 0:
        raise ValueError(f"default_ttl must be > 0 seconds or None, got {default_ttl}")


class InMemoryResponseCache:
    """Least-recently-used entries go first when either bound is passed; expired ones are never served.

    Values are stored serialised (JSON), so a caller mutating what it got back cannot change the
    cache, and `bytes` counts what is really held. Safe to share between threads.
    """

    backend = "memory"

    def __init__(self, *, clock: Clock, max_entries: int | None = 1000, max_bytes: int | None = 64 * 2**20,
                 default_ttl: float | None = 3600.0) -> None:
        check_bounds(max_entries, max_bytes, default_ttl)
        self._clock = clock
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._default_ttl = default_ttl
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._hits = self._misses = self._writes = self._evictions = self._expirations = 0

    def __repr__(self) -> str:
        return f"InMemoryResponseCache(entries={len(self._entries)}, bytes={self._bytes})"

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= self._clock.monotonic():
                self._drop(key)
                self._expirations += 1
                entry = None
            if entry is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            data = entry.data
        return orjson.loads(data)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        data = orjson.dumps(value)
        with self._lock:
            expires = expiry(self._clock.monotonic(), ttl, self._default_ttl)
            if key in self._entries:
                self._drop(key)
            if expires is None or (self._max_bytes is not None and len(data) > self._max_bytes):
                return  # already expired, or larger than the whole cache: not kept
            self._entries[key] = _Entry(data, expires)
            self._bytes += len(data)
            self._writes += 1
            self._enforce_bounds()

    def delete(self, key: str) -> bool:
        with self._lock:
            if key not in self._entries:
                return False
            self._drop(key)
            return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def items(self) -> Iterator[tuple[str, Any]]:
        with self._lock:
            self._purge_expired()
            snapshot = [(key, entry.data) for key, entry in self._entries.items()]
        for key, data in snapshot:
            yield key, orjson.loads(data)

    def stats(self) -> CacheStats:
        with self._lock:
            self._purge_expired()
            return CacheStats(backend=self.backend, hits=self._hits, misses=self._misses, writes=self._writes,
                              evictions=self._evictions, expirations=self._expirations, size=len(self._entries),
                              bytes=self._bytes, max_entries=self._max_entries, max_bytes=self._max_bytes,
                              default_ttl=self._default_ttl)

    # --- under the lock ---------------------------------------------------------------------------

    def _drop(self, key: str) -> None:
        self._bytes -= self._entries.pop(key).size

    def _purge_expired(self) -> None:
        now = self._clock.monotonic()
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            self._drop(key)
            self._expirations += 1

    def _over(self) -> bool:
        return ((self._max_entries is not None and len(self._entries) > self._max_entries)
                or (self._max_bytes is not None and self._bytes > self._max_bytes))

    def _enforce_bounds(self) -> None:
        if not self._over():
            return
        self._purge_expired()  # expired entries go before live ones are evicted
        while self._over():
            key = next(iter(self._entries))
            self._drop(key)
            self._evictions += 1
