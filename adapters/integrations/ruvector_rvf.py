"""RvfVectorStore: vectors in a ruvector RVF file (`RvfStore`: on disk, opens at once), records beside it in SQLite."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.integrations.embedding import (
    check_stored_embedder,
    checked_search_limit,
    embed_matrix,
    embedder_dimensions,
    embedder_name,
    stored_summary,
)
from agentic_synth.adapters.integrations.ruvector import ruvector_installed
from agentic_synth.domain.errors import IntegrationError, UsageError

RVF_MAGIC = b"SFVR"
MAX_K = 10_000  # RvfStore.query answers at most this many neighbours
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, metadata TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, run INTEGER NOT NULL, record TEXT NOT NULL);
"""


def is_rvf_db(path: str | Path) -> bool:
    """An RVF store is the RVF file at `path` (it starts with the RVF magic) and its `path.records` beside it."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == RVF_MAGIC
    except OSError:
        return False


class RvfVectorStore:
    """Vectors in ruvector's RVF file at `path` (exact search, squared L2 of unit vectors); records in `path.records`.

    Nothing is loaded whole when the store opens: the RVF file is read by ruvector on demand, and
    a search reads only its hits' records from SQLite (each record once, as compact JSON; the run's
    metadata once per run). `store` ingests vectors as chunks arrive (memory stays flat) inside the
    run's SQLite transaction; `commit` makes the records visible; `rollback` deletes the run's
    vectors and its records. A vector whose record is not committed is never returned.
    """

    def __init__(self, path: str | Path, embedder: Any) -> None:
        if not ruvector_installed():
            raise UsageError("the ruvector package is not installed: pip install 'agentic-synth[ruvector]'")
        self.path = Path(path)
        self.embedder = embedder
        self._lock = threading.Lock()
        self._tx: sqlite3.Connection | None = None
        self._writer: Any = None
        self._run: int | None = None
        self._next_id = 0
        self._ingested: list[int] = []
        self._reader: tuple[int, Any] | None = None  # (RVF file mtime, read-only RvfStore)

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"RvfVectorStore({str(self.path)!r}, embedder={embedder_name(self.embedder)!r})"

    @property
    def records_path(self) -> Path:
        return Path(f"{self.path}.records")

    # --- writing -------------------------------------------------------------------------------

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None:
        if not records:
            return
        vectors = embed_matrix(self.embedder, records)
        with self._lock:
            try:
                if self._tx is None:
                    self._begin(metadata)
                assert self._tx is not None and self._writer is not None
                ids = list(range(self._next_id, self._next_id + len(records)))
                self._next_id += len(records)
                self._tx.executemany("INSERT INTO records (id, run, record) VALUES (?, ?, ?)",
                                     [(i, self._run, orjson.dumps(dict(r), option=orjson.OPT_NON_STR_KEYS))
                                      for i, r in zip(ids, records, strict=True)])
                self._writer.ingest(vectors, ids)
                self._ingested.extend(ids)
            except (UsageError, IntegrationError):
                self._end(commit=False)
                raise
            except Exception as exc:  # sqlite3.Error, ruvector's RuntimeError ("RVF error code ...")
                self._end(commit=False)
                raise IntegrationError(f"'{self.path}': {type(exc).__name__}: {exc}", integration="ruvector") from exc

    def commit(self) -> None:
        with self._lock:
            self._end(commit=True)

    def rollback(self) -> None:
        with self._lock:
            self._end(commit=False)

    def _begin(self, metadata: Mapping[str, Any] | None) -> None:
        from ruvector import RvfStore

        self._check_files()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.records_path, timeout=30, check_same_thread=False, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("BEGIN IMMEDIATE")  # one writer at a time; RvfStore also locks its file
            self._check_embedder(db, create=True)
            self._next_id = int(db.execute("SELECT COALESCE(MAX(id), -1) + 1 FROM records").fetchone()[0])
            cursor = db.execute("INSERT INTO runs (metadata) VALUES (?)", (orjson.dumps(dict(metadata or {})),))
            self._run = cursor.lastrowid
            dims = embedder_dimensions(self.embedder)
            self._writer = (RvfStore.open(str(self.path), read_only=False) if self.path.exists()
                            else RvfStore.create(str(self.path), dims))
        except BaseException:
            db.close()
            raise
        self._tx, self._ingested = db, []

    def _end(self, *, commit: bool) -> None:
        db, writer, ingested = self._tx, self._writer, self._ingested
        self._tx, self._writer, self._ingested = None, None, []
        if db is None:
            return
        try:
            if not commit and writer is not None and ingested:
                writer.delete(ingested)
            db.execute("COMMIT" if commit else "ROLLBACK")
        except Exception as exc:
            raise IntegrationError(f"'{self.path}': {type(exc).__name__}: {exc}", integration="ruvector") from exc
        finally:
            if writer is not None:
                writer.close()
            db.close()

    # --- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with self._records() as db:
            return int(db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def info(self) -> dict[str, Any]:
        if not self.path.exists():
            raise UsageError(f"vector store '{self.path}' does not exist")
        with self._records() as db:
            return stored_summary(db, "ruvector (RVF)", self.path)

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        limit = checked_search_limit(limit, self.path, at_most=MAX_K)
        q = embed_matrix(self.embedder, [query], texts=True)[0]
        with self._records() as db:
            reader = self._open_reader()
            want = limit
            while True:  # vectors of a run not yet committed have no record: ask for more until `limit` remain
                try:
                    hits = reader.query(q, want)
                except Exception as exc:
                    raise IntegrationError(f"search failed: {type(exc).__name__}: {exc}",
                                           integration="ruvector") from exc
                found = self._with_records(db, hits)
                if len(found) >= limit or len(hits) < want or want >= MAX_K:
                    return found[:limit]
                want = min(MAX_K, want * 4)

    @staticmethod
    def _with_records(db: sqlite3.Connection, hits: list[tuple[int, float]]) -> list[Mapping[str, Any]]:
        ids = [int(i) for i, _ in hits]
        marks = ",".join("?" * len(ids))
        rows = {row_id: (record, meta) for row_id, record, meta in db.execute(
            f"SELECT id, record, metadata FROM records JOIN runs USING (run) WHERE id IN ({marks})", ids)}
        # unit vectors: squared L2 = 2 - 2 cos, so cosine similarity = 1 - d / 2
        return [{"id": i, "score": round(1.0 - float(d) / 2.0, 6), "record": orjson.loads(rows[i][0]),
                 "metadata": orjson.loads(rows[i][1])} for i, (_, d) in zip(ids, hits, strict=True) if i in rows]

    def _open_reader(self) -> Any:
        from ruvector import RvfStore

        stamp = self.path.stat().st_mtime_ns
        if self._reader is None or self._reader[0] != stamp:
            if self._reader is not None:
                self._reader[1].close()
            self._reader = (stamp, RvfStore.open(str(self.path), read_only=True))
        return self._reader[1]

    # --- files and identity --------------------------------------------------------------------

    def _records(self) -> contextlib.closing[sqlite3.Connection]:
        self._check_files()
        if not self.records_path.exists():
            raise UsageError(f"'{self.path}' has no records file beside it ('{self.records_path}')")
        db = sqlite3.connect(f"file:{self.records_path}?mode=ro", uri=True, timeout=30)
        self._check_embedder(db, create=False)
        return contextlib.closing(db)

    def _check_files(self) -> None:
        if self.path.exists() and self.path.stat().st_size > 0 and not is_rvf_db(self.path):
            raise UsageError(f"'{self.path}' is not a ruvector RVF store")

    def _check_embedder(self, db: sqlite3.Connection, *, create: bool) -> None:
        check_stored_embedder(db, self.path, self.embedder, create=create)
