"""JSON-array sink: one JSON array, a record per line inside it, written as chunks arrive."""

from __future__ import annotations

from collections.abc import Mapping

from agentic_synth.adapters.sinks.jsonl import TextTarget, encode_lines
from agentic_synth.adapters.sinks.money import with_money
from agentic_synth.domain.generation.records import RecordChunk


class JsonArrayRecordSink:
    """One JSON array, one record per line inside it, written as chunks arrive."""

    def __init__(self, target: TextTarget, *, money: Mapping[str, int] | None = None) -> None:
        self._target = target
        self._first = True
        self._money = dict(money or {})  # amount columns and their decimals (adapters/sinks/money.py)
        target.handle.write(b"[")

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        body = b"\n" + encode_lines(with_money(chunk, self._money), b",\n")
        self._target.handle.write(body if self._first else b"," + body)
        self._first = False

    def close(self) -> None:
        self._target.handle.write(b"]\n" if self._first else b"\n]\n")
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
