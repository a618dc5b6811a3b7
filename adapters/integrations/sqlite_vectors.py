"""SqliteVectorStore: records with their embeddings in one SQLite file; exact cosine search with numpy."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from agentic_synth.adapters.integrations.embedding import (
    check_stored_embedder,
    checked_search_limit,
    embed_matrix,
    embedder_name,
    stored_summary,
)
from agentic_synth.domain.errors import IntegrationError, UsageError

SQLITE_MAGIC = b"SQLite format 3\x00"
_SCAN_ROWS = 20_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, record TEXT NOT NULL, metadata TEXT NOT NULL, vector BLOB NOT NULL);
"""


def is_sqlite_file(path: str | Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


class SqliteVectorStore:
    """A local vector store: `store` writes a run's records in one transaction, `commit` makes them visible.

    Search is exact (every vector is scored, in blocks of 20,000), so results are the true top
    `limit` by cosine similarity of the embedder's vectors. The file records which embedder made
    its vectors and refuses another.
    """

    def __init__(self, path: str | Path, embedder: Any) -> None:
        self.path = Path(path)
        self.embedder = embedder
        self._open_tx: sqlite3.Connection | None = None  # the run's write transaction, from first store to commit
        self._lock = threading.Lock()

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"SqliteVectorStore({str(self.path)!r}, embedder={embedder_name(self.embedder)!r})"

    # --- writing -------------------------------------------------------------------------------

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None:
        """Insert into the run's open transaction (memory stays flat; readers see nothing until `commit`)."""
        if not records:
            return
        vectors = embed_matrix(self.embedder, records)
        meta = orjson.dumps(dict(metadata or {}))
        rows = [(orjson.dumps(dict(r), option=orjson.OPT_NON_STR_KEYS), meta, v.tobytes())
                for r, v in zip(records, vectors, strict=True)]
        with self._lock:
            try:
                if self._open_tx is None:
                    self._open_tx = self._begin()
                self._open_tx.executemany("INSERT INTO records (record, metadata, vector) VALUES (?, ?, ?)", rows)
            except sqlite3.Error as exc:
                self._end(commit=False)
                raise IntegrationError(f"'{self.path}': {exc}", integration="vector store") from exc

    def commit(self) -> None:
        with self._lock:
            self._end(commit=True)

    def rollback(self) -> None:
        with self._lock:
            self._end(commit=False)

    def _begin(self) -> sqlite3.Connection:
        if self.path.exists() and not is_sqlite_file(self.path) and self.path.stat().st_size > 0:
            raise UsageError(f"'{self.path}' is not a local vector store (not an SQLite file)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            self._check_embedder(db, create=True)
        except BaseException:
            db.close()
            raise
        return db

    def _end(self, *, commit: bool) -> None:
        db, self._open_tx = self._open_tx, None
        if db is None:
            return
        try:
            db.execute("COMMIT" if commit else "ROLLBACK")
        except sqlite3.Error as exc:
            raise IntegrationError(f"'{self.path}': {exc}", integration="vector store") from exc
        finally:
            db.close()

    # --- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        if not self.path.exists():
            return 0
        with self._connect() as db:
            self._check_embedder(db, create=False)
            return int(db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def info(self) -> dict[str, Any]:
        if not self.path.exists():
            raise UsageError(f"vector store '{self.path}' does not exist")
        with self._connect() as db:
            return stored_summary(db, "local", self.path)

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        limit = checked_search_limit(limit, self.path)
        q = embed_matrix(self.embedder, [query], texts=True)[0]
        best_ids = np.zeros(0, dtype=np.int64)
        best_scores = np.zeros(0, dtype=np.float32)
        with self._connect() as db:
            self._check_embedder(db, create=False)
            for ids, matrix in self._blocks(db):
                scores = np.concatenate([best_scores, matrix @ q])
                ids = np.concatenate([best_ids, ids])
                keep = np.argsort(-scores, kind="stable")[:limit]
                best_ids, best_scores = ids[keep], scores[keep]
            rows = {}
            for start in range(0, best_ids.size, 500):
                part = [int(i) for i in best_ids[start:start + 500]]
                marks = ",".join("?" * len(part))
                for row_id, record, meta in db.execute(
                        f"SELECT id, record, metadata FROM records WHERE id IN ({marks})", part):
                    rows[row_id] = (record, meta)
        return [{"id": int(i), "score": round(float(s), 6), "record": orjson.loads(rows[int(i)][0]),
                 "metadata": orjson.loads(rows[int(i)][1])} for i, s in zip(best_ids, best_scores, strict=True)]

    # --- internals -----------------------------------------------------------------------------

    def _blocks(self, db: sqlite3.Connection) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        last = 0
        while True:
            rows = db.execute("SELECT id, vector FROM records WHERE id > ? ORDER BY id LIMIT ?",
                              (last, _SCAN_ROWS)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
            yield ids, matrix

    @contextmanager
    def _connect(self, *, create: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection that commits when the block ends well, rolls back otherwise, and is closed."""
        if not create and not is_sqlite_file(self.path):
            raise UsageError(f"'{self.path}' is not a local vector store (not an SQLite file)")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise IntegrationError(f"cannot open '{self.path}': {exc}", integration="vector store") from exc
        try:
            with db:
                db.executescript(_SCHEMA)
                yield db
        except sqlite3.Error as exc:
            raise IntegrationError(f"'{self.path}': {exc}", integration="vector store") from exc
        finally:
            db.close()

    def _check_embedder(self, db: sqlite3.Connection, *, create: bool) -> None:
        check_stored_embedder(db, self.path, self.embedder, create=create)
