"""SqliteResponseCache: model replies in one SQLite file that survives restarts and is shared by processes."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
from loguru import logger

from agentic_synth.adapters.cache.memory import InMemoryResponseCache, check_bounds, expiry
from agentic_synth.adapters.cache.sqlite_file import (
    Unusable,
    bump,
    is_busy,
    open_database,
    tick,
    totals,
    transaction,
)
from agentic_synth.domain.cache.stats import CacheStats
from agentic_synth.domain.ports import Clock

DB_NAME = "responses.sqlite3"
_LIVE = "(expires IS NULL OR expires > ?)"


class SqliteResponseCache:
    """The cache directory holds one SQLite database (WAL mode, so readers and writers of several
    processes share it); every change is one transaction, so an entry is stored whole or not at all.

    The file is marked with an application id and a format version. A corrupt file is moved aside,
    and a foreign or newer one left alone; either way a warning is logged and this instance works
    as an empty in-memory cache, never crashing and never serving what it cannot vouch for.
    TTLs are wall-clock seconds (entries outlive the process); LRU order is shared by all processes.
    """

    backend = "sqlite"

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock, max_entries: int | None = 1000,
                 max_bytes: int | None = 256 * 2**20, default_ttl: float | None = 3600.0,
                 timeout: float = 30.0) -> None:
        check_bounds(max_entries, max_bytes, default_ttl)
        self.directory = Path(path).expanduser()
        self.file = self.directory / DB_NAME
        self._clock = clock
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._default_ttl = default_ttl
        self._timeout = timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._fallback: InMemoryResponseCache | None = None
        self._note = ""
        self._reset_allowed = False

    def __repr__(self) -> str:
        return f"SqliteResponseCache(path={str(self.directory)!r})"

    # --- the port ---------------------------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return self._fallback.get(key) if self._fallback is not None else None
            try:
                return self._get(conn, key)
            except sqlite3.Error as error:
                self._failed(error)
                return None

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        data = orjson.dumps(value)
        with self._lock:
            conn = self._connect(create=True)
            if conn is None:
                if self._fallback is not None:
                    self._fallback.set(key, value, ttl)
                return
            try:
                self._set(conn, key, data, ttl)
            except sqlite3.Error as error:
                self._failed(error)

    def delete(self, key: str) -> bool:
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return self._fallback.delete(key) if self._fallback is not None else False
            try:
                with transaction(conn):
                    return conn.execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount > 0
            except sqlite3.Error as error:
                self._failed(error)
                return False

    def clear(self) -> None:
        """Remove every entry and reset the counters; an old-format file of ours is replaced."""
        with self._lock:
            if self._fallback is not None and self._reset_allowed:
                self._remove_files()
                self._fallback, self._note, self._reset_allowed = None, "", False
            if self._fallback is not None:
                self._fallback.clear()
                return
            conn = self._connect(create=False)
            if conn is None:
                return
            try:
                with transaction(conn):
                    conn.execute("DELETE FROM entries")
                    conn.execute("UPDATE counters SET value = 0 WHERE name NOT IN ('entries', 'bytes', 'tick')")
            except sqlite3.Error as error:
                self._failed(error)

    def items(self) -> Iterator[tuple[str, Any]]:
        """The live entries, read in one go (the lock is not held while the caller iterates)."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                rows = list(self._fallback.items()) if self._fallback is not None else []
                raw: list[tuple[str, bytes]] = []
            else:
                rows = []
                try:
                    raw = conn.execute(f"SELECT key, value FROM entries WHERE {_LIVE}",
                                       (self._clock.now(),)).fetchall()
                except sqlite3.Error as error:
                    self._failed(error)
                    raw = []
        yield from rows
        for key, data in raw:
            try:
                yield key, orjson.loads(data)
            except orjson.JSONDecodeError:
                continue

    def stats(self) -> CacheStats:
        with self._lock:
            base = CacheStats(backend=self.backend, max_entries=self._max_entries, max_bytes=self._max_bytes,
                              default_ttl=self._default_ttl, path=str(self.file))
            conn = self._connect(create=False)
            if conn is None:
                if self._fallback is None:
                    return base
                return attrs.evolve(self._fallback.stats(), backend=self.backend, path=str(self.file),
                                    note=self._note)
            try:
                with transaction(conn):
                    self._purge_expired(conn)
                counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
            except sqlite3.Error as error:
                self._failed(error)
                return base
            return attrs.evolve(base, hits=counters["hits"], misses=counters["misses"], writes=counters["writes"],
                                evictions=counters["evictions"], expirations=counters["expirations"],
                                size=counters["entries"], bytes=counters["bytes"])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- reads and writes (under the lock) --------------------------------------------------------

    def _get(self, conn: sqlite3.Connection, key: str) -> Any | None:
        now = self._clock.now()
        with transaction(conn):
            row = conn.execute("SELECT value, expires FROM entries WHERE key = ?", (key,)).fetchone()
            if row is not None and row[1] is not None and row[1] <= now:
                conn.execute("DELETE FROM entries WHERE key = ?", (key,))
                bump(conn, "expirations")
                row = None
            value = None
            if row is not None:
                try:
                    value = orjson.loads(row[0])
                except orjson.JSONDecodeError:
                    logger.warning("response cache: dropped an unreadable entry in {}", self.file)
                    conn.execute("DELETE FROM entries WHERE key = ?", (key,))
                    row = None
            if row is None:
                bump(conn, "misses")
                return None
            conn.execute("UPDATE entries SET accessed = ? WHERE key = ?", (tick(conn), key))
            bump(conn, "hits")
            return value

    def _set(self, conn: sqlite3.Connection, key: str, data: bytes, ttl: float | None) -> None:
        expires = expiry(self._clock.now(), ttl, self._default_ttl)
        with transaction(conn):
            conn.execute("DELETE FROM entries WHERE key = ?", (key,))
            if expires is None or (self._max_bytes is not None and len(data) > self._max_bytes):
                return
            conn.execute("INSERT INTO entries (key, size, expires, accessed, value) VALUES (?, ?, ?, ?, ?)",
                         (key, len(data), None if expires == float("inf") else expires, tick(conn), data))
            bump(conn, "writes")
            self._enforce_bounds(conn)

    def _enforce_bounds(self, conn: sqlite3.Connection) -> None:
        if not self._over(conn):
            return
        self._purge_expired(conn)
        while self._over(conn):
            (key,) = conn.execute("SELECT key FROM entries ORDER BY accessed LIMIT 1").fetchone()
            conn.execute("DELETE FROM entries WHERE key = ?", (key,))
            bump(conn, "evictions")

    def _over(self, conn: sqlite3.Connection) -> bool:
        size, volume = totals(conn)
        return ((self._max_entries is not None and size > self._max_entries)
                or (self._max_bytes is not None and volume > self._max_bytes))

    def _purge_expired(self, conn: sqlite3.Connection) -> None:
        gone = conn.execute("DELETE FROM entries WHERE expires IS NOT NULL AND expires <= ?",
                            (self._clock.now(),)).rowcount
        if gone:
            bump(conn, "expirations", gone)

    # --- opening, checking and failing -------------------------------------------------------------

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection; None when working from the fallback or when there is no file yet to read."""
        if self._fallback is not None:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._conn = None  # a connection inherited through fork must not be used
        if not create and not self.file.exists():
            return None
        try:
            self._conn = open_database(self.file, self._timeout)
            self._pid = os.getpid()
        except Unusable as unusable:
            self._fall_back(unusable.reason, reset_allowed=unusable.ours)
        except sqlite3.Error as error:
            if is_busy(error):  # try again on the next call
                logger.warning("response cache {} is busy; this lookup or write was skipped", self.file)
            else:
                self._fall_back(f"cannot open it ({error})", reset_allowed=False)
        except OSError as error:
            self._fall_back(f"cannot open it ({error})", reset_allowed=False)
        return self._conn

    def _failed(self, error: sqlite3.Error) -> None:
        """A query failed: a locked database is skipped this once; anything else retires the file."""
        if is_busy(error):
            logger.warning("response cache {} is busy; this lookup or write was skipped", self.file)
            return
        self.close()
        self._fall_back(f"it failed ({error})", reset_allowed=True)

    def _fall_back(self, reason: str, *, reset_allowed: bool) -> None:
        self._note = f"{self.file}: {reason}; using an empty in-memory cache"
        logger.warning("response cache {}: {}; using an empty in-memory cache for this run "
                       "(`agentic-synth cache clear` resets it)", self.file, reason)
        self._reset_allowed = reset_allowed
        self._fallback = InMemoryResponseCache(clock=self._clock, max_entries=self._max_entries,
                                               max_bytes=self._max_bytes, default_ttl=self._default_ttl)

    def _remove_files(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)
