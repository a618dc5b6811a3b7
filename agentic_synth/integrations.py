"""Optional integrations (docs/integrations.md): `from agentic_synth.integrations import enable_midstreamer, ...`."""

from __future__ import annotations

from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder, record_text
from agentic_synth.adapters.integrations.jsonl_stream import JsonlStreamPipeline
from agentic_synth.adapters.integrations.null import NullStreamPipeline, NullVectorStore, NullWorkflowEngine
from agentic_synth.adapters.integrations.plugins import ENTRY_POINT_GROUP
from agentic_synth.adapters.integrations.ruvector import RuvectorVectorStore
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore
from agentic_synth.adapters.integrations.workflows import InProcessWorkflowEngine
from agentic_synth.domain.ports import Embedder, StreamPipeline, VectorStore, WorkflowEngine
from agentic_synth.entrypoints.integration_api import enable_local_vectors, enable_midstreamer, enable_ruvector

__all__ = [
    "ENTRY_POINT_GROUP",
    "Embedder",
    "HashingEmbedder",
    "InProcessWorkflowEngine",
    "JsonlStreamPipeline",
    "NullStreamPipeline",
    "NullVectorStore",
    "NullWorkflowEngine",
    "RuvectorVectorStore",
    "SqliteVectorStore",
    "StreamPipeline",
    "VectorStore",
    "WorkflowEngine",
    "enable_local_vectors",
    "enable_midstreamer",
    "enable_ruvector",
    "record_text",
]
