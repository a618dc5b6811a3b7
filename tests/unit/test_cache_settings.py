"""The `cache` section as the response cache uses it: milliseconds and all, with errors that name the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentic_synth.adapters.cache.location import cache_dir, default_cache_dir
from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.config.settings import CacheSettings, Settings
from agentic_synth.domain.errors import UsageError


def _cache(payload: Any) -> CacheSettings:
    """The section as the configuration gives it (parsed once, by Settings)."""
    return structure({} if payload is None else {"cache": payload}, Settings, origin="config").cache


def test_the_specifications_example_reads_as_an_hour_of_ttl_and_a_thousand_entries() -> None:
    settings = _cache({"enabled": True, "maxSize": 1000, "ttl": 3600000, "persistPath": "./.cache/agentic-synth"})
    assert (settings.max_size, settings.ttl_seconds, settings.backend) == (1000, 3600.0, "sqlite")
    assert cache_dir(settings) == Path(".cache/agentic-synth")


def test_a_zero_ttl_means_entries_never_expire() -> None:
    assert _cache({"ttl": 0}).ttl_seconds is None


@pytest.mark.parametrize(("payload", "backend"), [
    (None, "sqlite"), ({}, "sqlite"), ({"persistPath": None}, "sqlite"), ({"persistPath": ""}, "memory"),
    ({"enabled": False, "persistPath": "/x"}, "none"),
])
def test_the_backend_follows_enabled_and_persist_path(payload: dict[str, object] | None, backend: str) -> None:
    assert _cache(payload).backend == backend


def test_without_a_persist_path_the_cache_lives_in_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTIC_SYNTH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/tmp/xdg")
    assert default_cache_dir() == Path("/var/tmp/xdg/agentic-synth")
    monkeypatch.setenv("AGENTIC_SYNTH_CACHE_DIR", "/srv/cache")
    assert cache_dir(_cache({})) == Path("/srv/cache")
    assert cache_dir(_cache({"persistPath": ""})) is None


@pytest.mark.parametrize(("payload", "message"), [
    ({"maxSize": 0}, "cache.maxSize: must be greater than 0, got 0"),
    ({"maxSize": "big"}, "cache.maxSize: expected a whole number, got 'big'"),
    ({"ttl": -5}, "cache.ttl: must be 0 or more, got -5"),
    ({"maxBytes": 1.5}, "cache.maxBytes: expected a whole number, got 1.5"),
    ({"enabled": "yes"}, "cache.enabled: expected true or false, got 'yes'"),
    ({"persistPath": 3}, "cache.persistPath: expected a string, got 3"),
    ({"maxsize": 10}, "cache.maxsize: unknown key (did you mean 'maxSize'?)"),
    ({"policy": "always"}, "cache.policy: 'always' is not one of none, default, aggressive"),
    ([1], "cache: expected an object, got a list"),
])
def test_bad_settings_name_the_setting_and_the_value(payload: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        _cache(payload)
    assert str(caught.value).startswith(f"config: {message}") and caught.value.exit_code == 2


def test_the_policy_setting_is_read() -> None:
    assert _cache({"policy": "aggressive"}).default_policy is CachePolicy.AGGRESSIVE
