"""InMemoryRecordSink: keeps the records in a list (the SDK's default when no output is given)."""

from __future__ import annotations

from typing import Any

from agentic_synth.domain.generation.records import RecordChunk


class InMemoryRecordSink:
    """Collects rows as dicts."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.closed = False

    def write(self, chunk: RecordChunk) -> None:
        self.records.extend(chunk.rows())

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True
