"""Opening and checking the SQLite file of the persistent response cache, and small SQL helpers."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from loguru import logger

APPLICATION_ID = 0x41535943  # "ASYC": marks the file as ours
FORMAT_VERSION = 1  # PRAGMA user_version; bump when the tables change
COUNTERS = ("hits", "misses", "writes", "evictions", "expirations", "tick", "entries", "bytes")
# Small columns first, so scans never read the value's overflow pages; triggers keep the totals
# of entries and bytes in step with every insert and delete, whoever makes it.
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, size INTEGER NOT NULL, expires REAL,"
    " accessed INTEGER NOT NULL, value BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_accessed ON entries (accessed)",
    "CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires)",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    *(f"INSERT OR IGNORE INTO counters VALUES ('{name}', 0)" for name in COUNTERS),
    "CREATE TRIGGER IF NOT EXISTS entries_added AFTER INSERT ON entries BEGIN"
    " UPDATE counters SET value = value + 1 WHERE name = 'entries';"
    " UPDATE counters SET value = value + NEW.size WHERE name = 'bytes'; END",
    "CREATE TRIGGER IF NOT EXISTS entries_removed AFTER DELETE ON entries BEGIN"
    " UPDATE counters SET value = value - 1 WHERE name = 'entries';"
    " UPDATE counters SET value = value - OLD.size WHERE name = 'bytes'; END",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {FORMAT_VERSION}",
)


class Unusable(Exception):
    """The file cannot serve as our cache; `reason` says why, `ours` whether `clear` may replace it."""

    def __init__(self, reason: str, *, ours: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.ours = ours


def is_busy(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: a change is stored whole or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def bump(conn: sqlite3.Connection, name: str, by: int = 1) -> None:
    conn.execute("UPDATE counters SET value = value + ? WHERE name = ?", (by, name))


def totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many entries the file holds and their bytes (kept by triggers, so no scan)."""
    rows = dict(conn.execute("SELECT name, value FROM counters WHERE name IN ('entries', 'bytes')").fetchall())
    return rows["entries"], rows["bytes"]


def tick(conn: sqlite3.Connection) -> int:
    """The next value of the shared access counter (LRU order across processes)."""
    bump(conn, "tick")
    value: int = conn.execute("SELECT value FROM counters WHERE name = 'tick'").fetchone()[0]
    return value


def open_database(file: Path, timeout: float) -> sqlite3.Connection:
    """A connection to our cache file, created if missing; raises Unusable for a foreign or newer file.

    A file that is not a database at all is moved aside (`<name>.corrupt-<time>`) and replaced.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    if file.exists() and not file.is_file():
        raise Unusable("it is not a file", ours=False)
    try:
        return _open_checked(file, timeout)
    except sqlite3.DatabaseError as error:
        if is_busy(error):
            raise
        aside = file.with_name(f"{file.name}.corrupt-{time.time_ns()}")
        with suppress(FileNotFoundError):  # another process moved it first
            file.rename(aside)
        logger.warning("response cache {} is corrupt ({}); moved it to {} and started an empty cache",
                       file, error, aside.name)
        return _open_checked(file, timeout)


def _open_checked(file: Path, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(file, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("BEGIN")  # one snapshot: another process may be creating the file right now
        try:
            fresh = _check(conn) == 0
        finally:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if fresh:
            conn.execute("PRAGMA journal_mode = WAL")
            with transaction(conn):
                if _check(conn) == 0:
                    for statement in _SCHEMA:
                        conn.execute(statement)
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    value: int = conn.execute(f"PRAGMA {name}").fetchone()[0]
    return value


def _check(conn: sqlite3.Connection) -> int:
    """Our application id (0 for a new empty file); raises Unusable for anything else."""
    app_id = _pragma(conn, "application_id")
    version = _pragma(conn, "user_version")
    tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    if app_id == 0 and version == 0 and tables == 0:
        return 0
    if app_id != APPLICATION_ID:
        raise Unusable("it is not an agentic-synth cache", ours=False)
    if version != FORMAT_VERSION:
        raise Unusable(f"it has cache format {version}; this version of agentic-synth uses {FORMAT_VERSION}",
                       ours=True)
    return app_id
