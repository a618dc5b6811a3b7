"""enable_midstreamer, enable_ruvector, enable_local_vectors: the specification's integration helpers for the SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore
from agentic_synth.domain.ports import StreamPipeline, VectorStore
from agentic_synth.entrypoints.integrations import DEFAULT_LOCAL_DB, DEFAULT_RUVECTOR_DB, default_embedder

if TYPE_CHECKING:
    from agentic_synth.entrypoints.sdk import AgenticSynth


def enable_midstreamer(synth: AgenticSynth, pipeline: str | StreamPipeline | None = None) -> StreamPipeline:
    """`generate(..., to_pipeline=True)` then sends records to this pipeline as they are made.

    `pipeline` names a midstreamer pipeline (default `integrations.midstreamer.defaultPipeline`)
    served by the installed midstreamer plugin, or is your own StreamPipeline object. Without the
    plugin the pipeline is a null one (`is_available()` False), a warning is logged and runs note it.
    """
    return synth.container.integrations().enable_stream_pipeline(pipeline)


def enable_ruvector(synth: AgenticSynth, db_path: str | None = None, *, embedder: Any = None) -> VectorStore:
    """`generate(..., vectorize=True)` then stores records in ruvector at `db_path`; `vector_search` queries it.

    `db_path` defaults to `integrations.ruvector.dbPath`; `embedder` (an Embedder) to the built-in
    HashingEmbedder. Without the ruvector package the store is a null one and a warning is logged.
    """
    integrations = synth.container.integrations()
    path = db_path or integrations.ruvector_path() or DEFAULT_RUVECTOR_DB
    return integrations.enable_vector_store(integrations.ruvector(path, strict=False, embedder=embedder))


def enable_local_vectors(synth: AgenticSynth, db_path: str = DEFAULT_LOCAL_DB, *, embedder: Any = None) -> VectorStore:
    """Like enable_ruvector, with the built-in SQLite store (no extra package; exact search)."""
    store = SqliteVectorStore(db_path, default_embedder(embedder))
    store.count()  # another embedder's vectors, or not an SQLite file: fail now
    return synth.container.integrations().enable_vector_store(store, name="local")
