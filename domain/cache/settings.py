"""CacheSettings: the `cache` section of the configuration as the response cache uses it (seconds, backend)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.config.settings import CacheSettings as CacheSection
from agentic_synth.domain.errors import ConfigError

# The defaults are the configuration's (domain/config/settings.py), in one place.
DEFAULT_MAX_ENTRIES = CacheSection().max_size
DEFAULT_MAX_BYTES = CacheSection().max_bytes
DEFAULT_TTL_MS = CacheSection().ttl
_KEYS = ("enabled", "maxSize", "maxBytes", "ttl", "persistPath", "policy")


def _whole(payload: Mapping[str, Any], name: str, default: int | None, *, allow_zero: bool = False) -> int | None:
    value = payload.get(name)
    if value is None:
        return default
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < low:
        raise ConfigError(f"cache.{name}: expected a whole number >= {low}, got {value!r}")
    return int(value)


@attrs.frozen
class CacheSettings:
    """Whether and where replies are cached, how many and how long.

    `ttl_seconds` None means entries never expire (config `ttl: 0`); `persist_path` None with
    `persist` True means the default cache directory; `persist` False keeps the cache in memory.
    """

    enabled: bool = True
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_bytes: int = DEFAULT_MAX_BYTES
    ttl_seconds: float | None = DEFAULT_TTL_MS / 1000
    persist: bool = True
    persist_path: str | None = None
    policy: CachePolicy = CachePolicy.DEFAULT

    @property
    def backend(self) -> str:
        """Which ResponseCache serves: none, memory or sqlite."""
        if not self.enabled:
            return "none"
        return "sqlite" if self.persist else "memory"

    @classmethod
    def from_settings(cls, section: CacheSection) -> CacheSettings:
        """From the configuration's `cache` section, validated once by Settings (milliseconds to seconds).

        `persist_path` None takes the default directory; "" keeps the cache in memory.
        """
        persist = section.persist_path is None or bool(section.persist_path)
        return cls(enabled=section.enabled, max_entries=section.max_size, max_bytes=section.max_bytes,
                   ttl_seconds=section.ttl / 1000 if section.ttl else None, persist=persist,
                   persist_path=section.persist_path or None, policy=CachePolicy.parse(section.policy, "cache.policy"))

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any] | None) -> CacheSettings:
        """From a bare `cache` object in the spec's shape: {enabled, maxSize, maxBytes, ttl (ms; 0 = never
        expire), persistPath, policy}, each checked with an error naming it; then as `from_settings`.

        `persistPath` missing or null takes the default directory; "" or false keeps the cache in memory.
        """
        if payload is None:
            return cls()
        if not isinstance(payload, Mapping):
            raise ConfigError(f"cache: expected an object, got {type(payload).__name__}")
        unknown = sorted(set(payload) - set(_KEYS))
        if unknown:
            raise ConfigError(f"cache.{unknown[0]}: unknown setting (known: {', '.join(_KEYS)})")
        enabled = payload.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"cache.enabled: expected true or false, got {enabled!r}")
        ttl_ms = _whole(payload, "ttl", DEFAULT_TTL_MS, allow_zero=True)
        path = payload.get("persistPath")
        if path is not None and path is not False and not isinstance(path, str):
            raise ConfigError(f"cache.persistPath: expected a directory path, false or null, got {path!r}")
        return cls.from_settings(CacheSection(
            enabled=enabled, max_size=_whole(payload, "maxSize", DEFAULT_MAX_ENTRIES) or DEFAULT_MAX_ENTRIES,
            max_bytes=_whole(payload, "maxBytes", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES, ttl=ttl_ms or 0,
            persist_path="" if path is False else path,
            policy=CachePolicy.parse(payload.get("policy"), "cache.policy").value))
