"""SqliteResponseCache on a real file: restarts, several processes at once, corrupt and foreign files."""

from __future__ import annotations

import math
import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from loguru import logger

from agentic_synth.adapters.cache.sqlite import DB_NAME, SqliteResponseCache
from agentic_synth.adapters.cache.sqlite_file import FORMAT_VERSION
from tests.cache_worker import write_entries
from tests.fakes import FakeClock


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """Warnings the library logs through loguru (disabled by default for embedding apps)."""
    seen: list[str] = []
    logger.enable("agentic_synth")
    sink = logger.add(lambda message: seen.append(str(message)), level="WARNING", format="{message}")
    yield seen
    logger.remove(sink)
    logger.disable("agentic_synth")


def make(path: Path, clock: FakeClock | None = None, **kw: object) -> SqliteResponseCache:
    return SqliteResponseCache(path, clock=clock or FakeClock(), **kw)  # type: ignore[arg-type]


def test_entries_and_counters_survive_a_restart(tmp_path: Path) -> None:
    first = make(tmp_path)
    first.set("k", {"text": "hello", "tokens": [1, 2]})
    assert first.get("k") is not None and first.get("missing") is None
    first.close()
    second = make(tmp_path)
    assert second.get("k") == {"text": "hello", "tokens": [1, 2]}
    stats = second.stats()
    assert (stats.size, stats.hits, stats.misses, stats.writes) == (1, 2, 1, 1)
    assert stats.path == str(tmp_path / DB_NAME) and stats.bytes > 0


def test_reading_a_cache_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    cache = make(tmp_path / "not-yet")
    assert cache.get("k") is None and cache.stats().size == 0 and list(cache.items()) == []
    assert not (tmp_path / "not-yet").exists()


def test_ttl_is_wall_clock_time_and_outlives_the_process(tmp_path: Path) -> None:
    clock = FakeClock()
    make(tmp_path, clock, default_ttl=60.0).set("k", 1)
    make(tmp_path, clock).set("forever", 2, ttl=math.inf)
    clock.advance(61)
    later = make(tmp_path, clock)
    assert later.get("k") is None and later.get("forever") == 2
    assert later.stats().expirations == 1


def test_the_least_recently_used_entry_goes_first_across_instances(tmp_path: Path) -> None:
    one, two = make(tmp_path, max_entries=2), make(tmp_path, max_entries=2)
    one.set("a", 1)
    two.set("b", 2)
    assert one.get("a") == 1  # touched through another connection
    two.set("c", 3)
    assert (one.get("a"), one.get("b"), one.get("c")) == (1, None, 3)
    assert one.stats().evictions == 1


def test_the_byte_bound_holds_on_disk(tmp_path: Path) -> None:
    cache = make(tmp_path, max_entries=None, max_bytes=250)
    for key in "abc":
        cache.set(key, "x" * 98)
    assert (cache.stats().size, cache.stats().bytes) == (2, 200) and cache.get("a") is None


def test_invalidation_and_clear(tmp_path: Path) -> None:
    cache = make(tmp_path)
    cache.set("a", {"model": "m1"})
    cache.set("b", {"model": "m2"})
    assert cache.delete("a") and not cache.delete("a")
    assert dict(cache.items()) == {"b": {"model": "m2"}}
    cache.clear()
    assert cache.stats().size == 0 and cache.stats().writes == 0


def test_several_processes_write_at_once_and_nothing_is_lost_or_torn(tmp_path: Path) -> None:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.cache_worker"])
    workers = [context.Process(target=write_entries, args=(str(tmp_path), w, 40)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    cache = make(tmp_path)
    items = dict(cache.items())
    assert items == {f"w{w}-{i}": {"worker": w, "i": i, "text": "x" * 200} for w in range(4) for i in range(40)}
    stats = cache.stats()
    assert stats.writes == 160 and stats.hits + stats.misses == 160
    assert (stats.size, stats.bytes) == (160, sum(len(orjson.dumps(v)) for v in items.values()))


def test_a_corrupt_file_gives_a_warning_and_an_empty_cache_that_works(tmp_path: Path, warnings: list[str]) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    cache = make(tmp_path)
    assert cache.get("k") is None
    cache.set("k", 1)
    assert make(tmp_path).get("k") == 1  # a fresh file took its place and persists
    assert any("corrupt" in w for w in warnings)
    assert [p.name.startswith(f"{DB_NAME}.corrupt-") for p in tmp_path.iterdir()].count(True) == 1


def test_a_foreign_database_is_left_alone_and_the_cache_runs_in_memory(tmp_path: Path, warnings: list[str]) -> None:
    foreign = tmp_path / DB_NAME
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE entries (key TEXT, value TEXT)")
        conn.execute("INSERT INTO entries VALUES ('k', 'their data')")
    conn.close()
    before = foreign.read_bytes()
    cache = make(tmp_path)
    assert cache.get("k") is None
    cache.set("mine", 1)
    assert cache.get("mine") == 1  # kept in memory for this run
    cache.clear()
    assert foreign.read_bytes() == before
    assert "not an agentic-synth cache" in cache.stats().note
    assert any("not an agentic-synth cache" in w for w in warnings)


def test_a_cache_of_another_format_version_is_skipped_until_cleared(tmp_path: Path, warnings: list[str]) -> None:
    make(tmp_path).set("k", 1)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    conn.close()
    cache = make(tmp_path)
    assert cache.get("k") is None and any("cache format" in w for w in warnings)
    cache.clear()  # replaces the old file with one of the current format
    cache.set("k", 2)
    assert make(tmp_path).get("k") == 2


def test_a_persist_path_that_is_a_file_does_not_crash(tmp_path: Path, warnings: list[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    cache = make(blocker)
    cache.set("k", 1)
    assert cache.get("k") == 1 and blocker.read_text() == "keep me" and warnings


def test_an_unreadable_entry_is_a_miss_not_wrong_data(tmp_path: Path, warnings: list[str]) -> None:
    cache = make(tmp_path)
    cache.set("k", {"text": "ok"})
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute("UPDATE entries SET value = ? WHERE key = 'k'", (b"\xff{not json",))
    conn.close()
    assert cache.get("k") is None and cache.stats().size == 0
