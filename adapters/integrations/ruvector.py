"""RuvectorVectorStore: records in a ruvector Collection (PyPI `ruvector`, Rust HNSW), saved to `dbPath`."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.integrations.embedding import embed_matrix, embedder_dimensions, embedder_name
from agentic_synth.domain.errors import IntegrationError, UsageError

MODULE = "ruvector"
# HNSW candidate list per search: 50 (ruvector's default) finds a record by its own text first ~96% of the time
# at 20k records, 200 ~99.5%, 500 100% (docs/integrations.md)
EF_SEARCH = 200


def ruvector_installed() -> bool:
    return importlib.util.find_spec(MODULE) is not None


def is_ruvector_db(path: str | Path) -> bool:
    """A ruvector collection is `path` plus its `path.meta.json` sidecar."""
    return Path(f"{path}.meta.json").is_file()


class RuvectorVectorStore:
    """A ruvector `Collection` (cosine metric, HNSW) at `path` (+ `path.meta.json`, + `path.synth.json`).

    `store` stages a run's records; `commit` inserts them and saves the collection (each file
    replaced atomically by ruvector); `rollback` drops them. Search is approximate (HNSW), scores
    are cosine similarity (1 - ruvector's cosine distance). The record and the run's metadata
    travel as each vector's ruvector metadata; `path.synth.json` names the embedder.
    """

    def __init__(self, path: str | Path, embedder: Any) -> None:
        if not ruvector_installed():
            raise UsageError("the ruvector package is not installed: pip install 'agentic-synth[ruvector]'")
        self.path = Path(path)
        self.embedder = embedder
        self._pending: list[tuple[Any, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._loaded: tuple[int, Any] | None = None  # (sidecar mtime, Collection): loading rebuilds the index

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"RuvectorVectorStore({str(self.path)!r}, embedder={embedder_name(self.embedder)!r})"

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None:
        if not records:
            return
        vectors = embed_matrix(self.embedder, records)
        meta = orjson.loads(orjson.dumps(dict(metadata or {})))
        # the record travels as JSON text: ruvector's native metadata does not keep key order
        staged = [(vector, {"record": orjson.dumps(dict(r), option=orjson.OPT_NON_STR_KEYS).decode(),
                            "metadata": meta}) for r, vector in zip(records, vectors, strict=True)]
        with self._lock:
            self._pending.extend(staged)

    def commit(self) -> None:
        import numpy as np

        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            collection = self._open(create=True)
            collection.insert_batch(np.stack([v for v, _ in pending]), metadatas=[m for _, m in pending])
            collection.save(self.path)
            self._loaded = (self._stamp(), collection)
        except (UsageError, IntegrationError):
            self._loaded = None  # the cached collection may hold rows that were not saved
            raise
        except Exception as exc:  # ruvector's errors (CollectionError, RuVectorError), translated here
            self._loaded = None
            raise IntegrationError(f"'{self.path}': {type(exc).__name__}: {exc}", integration="ruvector") from exc
        self._sidecar().write_text(orjson.dumps(self._identity()).decode(), encoding="utf-8")

    def rollback(self) -> None:
        with self._lock:
            self._pending = []

    def count(self) -> int:
        return len(self._open(create=False)) if is_ruvector_db(self.path) else 0

    def info(self) -> dict[str, Any]:
        if not is_ruvector_db(self.path):
            raise UsageError(f"vector store '{self.path}' does not exist")
        identity = self._stored_identity() or {}
        return {"backend": "ruvector", "path": str(self.path), "records": len(self._open(create=False)),
                "embedder": identity.get("embedder"), "dimensions": identity.get("dimensions")}

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise UsageError(f"search limit must be a whole number >= 1, got {limit!r}")
        if not is_ruvector_db(self.path):
            raise UsageError(f"vector store '{self.path}' does not exist")
        collection = self._open(create=False)
        if len(collection) == 0:
            return []
        q = embed_matrix(self.embedder, [query], texts=True)[0]
        try:
            hits = _search(collection, q, min(limit, len(collection)))
        except Exception as exc:
            raise IntegrationError(f"search failed: {type(exc).__name__}: {exc}", integration="ruvector") from exc
        return [{"id": int(hit.id), "score": round(1.0 - float(hit.score), 6),
                 "record": _record(hit.metadata), "metadata": (hit.metadata or {}).get("metadata", {})}
                for hit in hits]

    def _open(self, *, create: bool) -> Any:
        """The collection at `path` (loaded whole: ruvector keeps it in memory), or a new one."""
        from ruvector import Collection

        self._check_identity()
        try:
            if is_ruvector_db(self.path):
                stamp = self._stamp()
                if self._loaded is None or self._loaded[0] != stamp:
                    self._loaded = (stamp, Collection.load(self.path))
                return self._loaded[1]
            if not create:
                raise UsageError(f"vector store '{self.path}' does not exist")
            return Collection.create(embedder_dimensions(self.embedder), metric="cosine", ef_search=EF_SEARCH)
        except UsageError:
            raise
        except Exception as exc:
            raise IntegrationError(f"cannot open '{self.path}': {type(exc).__name__}: {exc}",
                                   integration="ruvector") from exc

    def _stamp(self) -> int:
        return Path(f"{self.path}.meta.json").stat().st_mtime_ns

    def _identity(self) -> dict[str, Any]:
        return {"embedder": embedder_name(self.embedder), "dimensions": embedder_dimensions(self.embedder)}

    def _sidecar(self) -> Path:
        return Path(f"{self.path}.synth.json")

    def _stored_identity(self) -> dict[str, Any] | None:
        try:
            loaded = orjson.loads(self._sidecar().read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def _check_identity(self) -> None:
        stored = self._stored_identity()
        if stored is not None and stored != self._identity():
            raise UsageError(f"vector store '{self.path}' holds vectors of embedder {stored.get('embedder')} "
                             f"({stored.get('dimensions')} dimensions), not {embedder_name(self.embedder)} "
                             f"({embedder_dimensions(self.embedder)}); use another path")


def _search(collection: Any, query: Any, k: int) -> list[Any]:
    """The collection's top k with at least EF_SEARCH candidates, also for one saved with a smaller ef_search.

    ruvector 0.1.4's `Collection.search` has no `ef_search`; its HNSW index's `search` has. The index is
    reached only when it is the HNSW one with that parameter; else the collection's own search is used.
    """
    from ruvector import HnswIndex, SearchHit

    index = getattr(collection, "_index", None)
    if isinstance(index, HnswIndex) and not getattr(collection, "_tombstones", None):
        return [SearchHit(id=int(i), score=s, metadata=m)
                for i, s, m in index.search(query, k, filter=None, ef_search=max(EF_SEARCH, k))]
    return list(collection.search(query, k))


def _record(metadata: Mapping[str, Any] | None) -> Any:
    text = (metadata or {}).get("record")
    return orjson.loads(text) if isinstance(text, str) else text
