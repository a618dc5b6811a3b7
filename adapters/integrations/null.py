"""Null adapters: what an integration is when it is not installed or not enabled (never fail, do nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agentic_synth.domain.generation.records import RecordChunk


class NullStreamPipeline:
    """A stream pipeline that drops everything; `reason` says why it stands in."""

    def __init__(self, reason: str = "no stream pipeline is enabled") -> None:
        self.reason = reason

    def is_available(self) -> bool:
        return False

    def send(self, chunk: RecordChunk) -> None:
        return None

    def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"NullStreamPipeline({self.reason!r})"


class NullVectorStore:
    """A vector store that keeps nothing and finds nothing."""

    def __init__(self, reason: str = "no vector store is enabled") -> None:
        self.reason = reason

    def is_available(self) -> bool:
        return False

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None:
        return None

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        return []

    def __repr__(self) -> str:
        return f"NullVectorStore({self.reason!r})"


class NullWorkflowEngine:
    """A workflow engine that accepts registrations and runs nothing (`trigger_workflow` returns None)."""

    def __init__(self, reason: str = "no workflow engine is enabled") -> None:
        self.reason = reason

    def is_available(self) -> bool:
        return False

    def register_workflow(self, name: str, generator: Any) -> None:
        return None

    def trigger_workflow(self, name: str, options: Mapping[str, Any]) -> Any:
        return None

    def __repr__(self) -> str:
        return f"NullWorkflowEngine({self.reason!r})"
