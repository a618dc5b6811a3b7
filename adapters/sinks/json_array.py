"""JSON-array sink: one JSON array, a record per line inside it, written as chunks arrive."""

from __future__ import annotations

from agentic_synth.adapters.sinks.jsonl import TextTarget, encode_lines
from agentic_synth.domain.generation.records import RecordChunk


class JsonArrayRecordSink:
    """One JSON array, one record per line inside it, written as chunks arrive."""

    def __init__(self, target: TextTarget) -> None:
        self._target = target
        self._first = True
        target.handle.write(b"[")

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        body = b"\n" + encode_lines(chunk, b",\n")
        self._target.handle.write(body if self._first else b"," + body)
        self._first = False

    def close(self) -> None:
        self._target.handle.write(b"]\n" if self._first else b"\n]\n")
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
