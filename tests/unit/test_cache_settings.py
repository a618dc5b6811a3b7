"""CacheSettings: the spec's `cache` section, milliseconds and all, with errors that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentic_synth.adapters.cache.location import cache_dir, default_cache_dir
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.cache.settings import CacheSettings
from agentic_synth.domain.errors import UsageError


def test_the_specifications_example_reads_as_an_hour_of_ttl_and_a_thousand_entries() -> None:
    settings = CacheSettings.from_payload({"enabled": True, "maxSize": 1000, "ttl": 3600000,
                                           "persistPath": "./.cache/agentic-synth"})
    assert (settings.max_entries, settings.ttl_seconds, settings.backend) == (1000, 3600.0, "sqlite")
    assert cache_dir(settings) == Path(".cache/agentic-synth")


def test_a_zero_ttl_means_entries_never_expire() -> None:
    assert CacheSettings.from_payload({"ttl": 0}).ttl_seconds is None


@pytest.mark.parametrize(("payload", "backend"), [
    (None, "sqlite"), ({}, "sqlite"), ({"persistPath": None}, "sqlite"), ({"persistPath": ""}, "memory"),
    ({"persistPath": False}, "memory"), ({"enabled": False, "persistPath": "/x"}, "none"),
])
def test_the_backend_follows_enabled_and_persist_path(payload: dict[str, object] | None, backend: str) -> None:
    assert CacheSettings.from_payload(payload).backend == backend


def test_without_a_persist_path_the_cache_lives_in_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTIC_SYNTH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/tmp/xdg")
    assert default_cache_dir() == Path("/var/tmp/xdg/agentic-synth")
    monkeypatch.setenv("AGENTIC_SYNTH_CACHE_DIR", "/srv/cache")
    assert cache_dir(CacheSettings.from_payload({})) == Path("/srv/cache")
    assert cache_dir(CacheSettings.from_payload({"persistPath": ""})) is None


@pytest.mark.parametrize(("payload", "message"), [
    ({"maxSize": 0}, "cache.maxSize: expected a whole number >= 1, got 0"),
    ({"maxSize": "big"}, "cache.maxSize: expected a whole number >= 1, got 'big'"),
    ({"ttl": -5}, "cache.ttl: expected a whole number >= 0, got -5"),
    ({"maxBytes": 1.5}, "cache.maxBytes: expected a whole number >= 1, got 1.5"),
    ({"enabled": "yes"}, "cache.enabled: expected true or false, got 'yes'"),
    ({"persistPath": 3}, "cache.persistPath: expected a directory path, false or null, got 3"),
    ({"maxsize": 10}, "cache.maxsize: unknown setting"),
    ({"policy": "always"}, "cache.policy: 'always' is not one of none, default, aggressive"),
    ([1], "cache: expected an object, got list"),
])
def test_bad_settings_name_the_setting_and_the_value(payload: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        CacheSettings.from_payload(payload)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message) and caught.value.exit_code == 2


def test_the_policy_setting_is_read() -> None:
    assert CacheSettings.from_payload({"policy": "aggressive"}).policy is CachePolicy.AGGRESSIVE
