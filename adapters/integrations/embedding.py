"""Embedding helpers shared by the vector stores: an embedder's name and size, unit vectors, the stored identity."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agentic_synth.adapters.integrations.hashing_embedder import record_text
from agentic_synth.domain.errors import IntegrationError, UsageError


def embedder_name(embedder: Any) -> str:
    """`embedder.name` when it has one, else its class name (recorded with the vectors it made)."""
    return str(getattr(embedder, "name", type(embedder).__name__))


def embedder_dimensions(embedder: Any) -> int:
    """`embedder.dimensions`, else the length of one probe vector."""
    dims = getattr(embedder, "dimensions", None)
    if isinstance(dims, int):
        return dims
    return len(embedder.embed(["dimension probe"])[0])


def embed_matrix(embedder: Any, items: Sequence[Any], *, texts: bool = False) -> np.ndarray:
    """Unit float32 rows for records (or texts), through the embedder's fastest path."""
    try:
        if texts:
            fast = getattr(embedder, "embed_array", None)
            raw = fast(list(items)) if fast is not None else embedder.embed(list(items))
        else:
            fast = getattr(embedder, "embed_records", None)
            raw = fast(items) if fast is not None else embedder.embed([record_text(r) for r in items])
        matrix = np.asarray(raw, dtype=np.float32)
    except IntegrationError:
        raise
    except Exception as exc:  # a user's embedder: one clear line, not its traceback
        raise IntegrationError(f"embedder {embedder_name(embedder)} failed: {type(exc).__name__}: {exc}",
                               integration="vector store") from exc
    if matrix.ndim != 2 or matrix.shape[0] != len(items):
        raise IntegrationError(f"embedder {embedder_name(embedder)} returned shape {matrix.shape} "
                               f"for {len(items)} inputs", integration="vector store")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def check_stored_embedder(db: sqlite3.Connection, path: str | Path, embedder: Any, *, create: bool) -> None:
    """A store's `meta` table names the embedder that made its vectors: record it (`create`), or refuse another."""
    name, dims = embedder_name(embedder), str(embedder_dimensions(embedder))
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if not meta:
        if create:
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("embedder", name), ("dimensions", dims)])
        return
    if meta.get("embedder") != name or meta.get("dimensions") != dims:
        raise UsageError(f"vector store '{path}' holds vectors of embedder {meta.get('embedder')} "
                         f"({meta.get('dimensions')} dimensions), not {name} ({dims}); use another path")


def stored_summary(db: sqlite3.Connection, backend: str, path: str | Path) -> dict[str, Any]:
    """What `vectors info` shows of a store: its backend, path, record count and the embedder of its vectors."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    count = int(db.execute("SELECT COUNT(*) FROM records").fetchone()[0])
    return {"backend": backend, "path": str(path), "records": count,
            "embedder": meta.get("embedder"), "dimensions": int(meta.get("dimensions", 0))}


def checked_search_limit(limit: object, path: Path, *, at_most: int | None = None) -> int:
    """A search's `limit` as a whole number >= 1 (and <= `at_most`), on a store that exists."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1 or (at_most is not None and limit > at_most):
        bound = f" (at most {at_most})" if at_most is not None else ""
        raise UsageError(f"search limit must be a whole number >= 1{bound}, got {limit!r}")
    if not path.exists():
        raise UsageError(f"vector store '{path}' does not exist")
    return limit
