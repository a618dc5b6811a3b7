"""InMemoryResponseCache: LRU by entries and by bytes, TTL on an injected clock, stats, threads."""

from __future__ import annotations

import math
import threading

import orjson
import pytest

from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.null import NullResponseCache
from tests.fakes import FakeClock


def make(clock: FakeClock | None = None, **kw: object) -> InMemoryResponseCache:
    return InMemoryResponseCache(clock=clock or FakeClock(), **kw)  # type: ignore[arg-type]


def test_the_least_recently_used_entry_goes_first_when_the_entry_bound_is_passed() -> None:
    cache = make(max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # a is now more recent than b
    cache.set("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert cache.stats().evictions == 1 and cache.stats().size == 2


def test_the_byte_bound_evicts_old_entries_until_the_new_one_fits() -> None:
    value = "x" * 98  # serialised as 100 bytes with its quotes
    assert len(orjson.dumps(value)) == 100
    cache = make(max_entries=None, max_bytes=250)
    cache.set("a", value)
    cache.set("b", value)
    cache.set("c", value)
    stats = cache.stats()
    assert (stats.size, stats.bytes, stats.evictions) == (2, 200, 1)
    assert cache.get("a") is None and cache.get("c") == value


def test_a_value_larger_than_the_whole_cache_is_not_kept_and_evicts_nothing() -> None:
    cache = make(max_bytes=50)
    cache.set("small", "ok")
    cache.set("huge", "y" * 100)
    assert cache.get("huge") is None and cache.get("small") == "ok"
    assert cache.stats().evictions == 0


def test_replacing_an_entry_keeps_the_byte_count_exact() -> None:
    cache = make()
    cache.set("k", "a" * 10)
    cache.set("k", "b" * 3)
    assert cache.stats().bytes == len(orjson.dumps("b" * 3)) and cache.stats().size == 1


def test_entries_expire_after_the_default_ttl_on_the_injected_clock() -> None:
    clock = FakeClock()
    cache = make(clock, default_ttl=60.0)
    cache.set("k", {"text": "hi"})
    clock.advance(59.9)
    assert cache.get("k") == {"text": "hi"}
    clock.advance(0.1)
    assert cache.get("k") is None
    stats = cache.stats()
    assert (stats.expirations, stats.hits, stats.misses, stats.size) == (1, 1, 1, 0)


def test_a_per_entry_ttl_overrides_the_default_and_inf_never_expires() -> None:
    clock = FakeClock()
    cache = make(clock, default_ttl=60.0)
    cache.set("short", 1, ttl=5)
    cache.set("forever", 2, ttl=math.inf)
    cache.set("default", 3)
    clock.advance(10)
    assert (cache.get("short"), cache.get("forever"), cache.get("default")) == (None, 2, 3)
    clock.advance(10**9)
    assert (cache.get("forever"), cache.get("default")) == (2, None)


def test_without_a_default_ttl_entries_live_until_evicted() -> None:
    clock = FakeClock()
    cache = make(clock, default_ttl=None)
    cache.set("k", 1)
    clock.advance(10**9)
    assert cache.get("k") == 1


def test_a_zero_ttl_stores_nothing() -> None:
    cache = make()
    cache.set("k", 1, ttl=0)
    assert cache.get("k") is None and cache.stats().size == 0


def test_expired_entries_make_room_before_live_ones_are_evicted() -> None:
    clock = FakeClock()
    cache = make(clock, max_entries=2)
    cache.set("old", 1, ttl=1)
    cache.set("live", 2)
    clock.advance(2)
    cache.set("new", 3)
    assert cache.get("live") == 2 and cache.get("new") == 3
    assert (cache.stats().evictions, cache.stats().expirations) == (0, 1)


def test_a_caller_changing_what_it_got_back_does_not_change_the_cache() -> None:
    cache = make()
    cache.set("k", {"rows": [1, 2]})
    got = cache.get("k")
    got["rows"].append(3)
    assert cache.get("k") == {"rows": [1, 2]}


def test_delete_clear_and_items_show_only_live_entries() -> None:
    clock = FakeClock()
    cache = make(clock)
    cache.set("a", 1)
    cache.set("b", 2, ttl=1)
    cache.set("c", 3)
    assert cache.delete("a") is True and cache.delete("a") is False
    clock.advance(5)
    assert dict(cache.items()) == {"c": 3}
    cache.clear()
    assert list(cache.items()) == [] and cache.stats().bytes == 0


def test_bounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        make(max_entries=0)
    with pytest.raises(ValueError, match="default_ttl"):
        make(default_ttl=0)


def test_threads_sharing_the_cache_keep_its_counts_consistent() -> None:
    cache = make(max_entries=64, max_bytes=None)

    def work(n: int) -> None:
        for i in range(300):
            cache.set(f"{n}-{i % 80}", {"n": n, "i": i})
            cache.get(f"{(n + 1) % 8}-{i % 80}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = cache.stats()
    items = dict(cache.items())
    assert stats.size == len(items) == 64
    assert stats.bytes == sum(len(orjson.dumps(v)) for v in items.values())
    assert stats.hits + stats.misses == 8 * 300
    assert stats.writes == 8 * 300 and stats.evictions >= 8 * 80 - 64  # every absent key was evicted at least once


def test_the_null_cache_keeps_nothing() -> None:
    cache = NullResponseCache()
    cache.set("k", 1)
    assert cache.get("k") is None and list(cache.items()) == [] and cache.stats().backend == "none"

