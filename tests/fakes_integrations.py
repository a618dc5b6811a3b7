"""Test doubles of the integration ports: FakeStreamPipeline, FakeVectorStore (transactional), FakeWorkflowEngine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agentic_synth.domain.generation.records import RecordChunk


class FakeStreamPipeline:
    """Records every chunk it is sent; `fail_after` chunks, it raises a plugin's own error."""

    def __init__(self, options: Mapping[str, Any] | None = None, *, fail_after: int | None = None) -> None:
        self.options = dict(options or {})
        self.rows: list[dict[str, Any]] = []
        self.chunks = 0
        self.closed = 0
        self.fail_after = fail_after

    def is_available(self) -> bool:
        return True

    def send(self, chunk: RecordChunk) -> None:
        if self.fail_after is not None and self.chunks >= self.fail_after:
            raise ConnectionError("pipeline went away")
        self.chunks += 1
        self.rows.extend(chunk.rows())

    def close(self) -> None:
        self.closed += 1


class FakeVectorStore:
    """Stages records until commit; `committed` holds (record, metadata) pairs; search returns the first `limit`."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options = dict(options or {})
        self.staged: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.committed: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.rollbacks = 0

    def is_available(self) -> bool:
        return True

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None:
        self.staged.extend((dict(r), dict(metadata or {})) for r in records)

    def commit(self) -> None:
        self.committed.extend(self.staged)
        self.staged = []

    def rollback(self) -> None:
        self.staged = []
        self.rollbacks += 1

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        return [{"score": 1.0, "record": r, "metadata": m} for r, m in self.committed[:limit]]


class FakeWorkflowEngine:
    """An external engine that records registrations and triggers, and runs the workflow when triggered."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options = dict(options or {})
        self.registered: dict[str, Any] = {}
        self.triggered: list[tuple[str, dict[str, Any]]] = []

    def is_available(self) -> bool:
        return True

    def register_workflow(self, name: str, generator: Any) -> None:
        self.registered[name] = generator

    def trigger_workflow(self, name: str, options: Mapping[str, Any]) -> Any:
        self.triggered.append((name, dict(options)))
        return self.registered[name](options)
