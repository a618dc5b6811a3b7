"""InMemoryRecordSink: keeps the chunks (the SDK's default when no output is given); rows on demand."""

from __future__ import annotations

from typing import Any

from agentic_synth.domain.generation.records import RecordChunk


class InMemoryRecordSink:
    """Collects the chunks as they come; `records` are their rows as dicts, made on first use."""

    def __init__(self) -> None:
        self.chunks: list[RecordChunk] = []
        self._records: list[dict[str, Any]] | None = None
        self.closed = False

    @property
    def records(self) -> list[dict[str, Any]]:
        if self._records is None:
            self._records = [row for chunk in self.chunks for row in chunk.rows()]
        return self._records

    def write(self, chunk: RecordChunk) -> None:
        self.chunks.append(chunk)
        self._records = None

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True
