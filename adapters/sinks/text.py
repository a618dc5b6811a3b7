"""JSON Lines and JSON-array sinks (orjson), to a file or a binary stream such as stdout."""

from __future__ import annotations

from typing import Any, BinaryIO, Protocol

import orjson

from agentic_synth.domain.records import RecordChunk

_OPTS = orjson.OPT_APPEND_NEWLINE


class _Target(Protocol):
    handle: BinaryIO

    def commit(self) -> None: ...

    def discard(self) -> None: ...


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTS)


class JsonlRecordSink:
    """One JSON object per line; each chunk is one write (flushed when `flush` is set)."""

    def __init__(self, target: _Target, *, flush: bool = False) -> None:
        self._target = target
        self._flush = flush

    def write(self, chunk: RecordChunk) -> None:
        handle = self._target.handle
        if self._flush:
            for row in chunk.rows():
                handle.write(_dumps(row))
                handle.flush()
        else:
            handle.write(b"".join(map(_dumps, chunk.rows())))

    def close(self) -> None:
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()


class JsonArrayRecordSink:
    """One JSON array, one record per line inside it, written as chunks arrive."""

    def __init__(self, target: _Target) -> None:
        self._target = target
        self._first = True
        target.handle.write(b"[")

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        body = b",".join(b"\n" + orjson.dumps(row) for row in chunk.rows())
        self._target.handle.write(body if self._first else b"," + body)
        self._first = False

    def close(self) -> None:
        self._target.handle.write(b"]\n" if self._first else b"\n]\n")
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
