"""JSON Lines sink (orjson), to a file or a binary stream such as stdout; the fast row encoding it shares."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Protocol

import orjson

from agentic_synth.adapters.columns.vectors import Column, may_hold_objects
from agentic_synth.adapters.sinks.money import with_money
from agentic_synth.domain.generation.records import RecordChunk

_OPTS = orjson.OPT_APPEND_NEWLINE


class TextTarget(Protocol):
    handle: BinaryIO

    def commit(self) -> None: ...

    def discard(self) -> None: ...


@functools.lru_cache(maxsize=64)
def _row_maker(names: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function building one row dict from its column values, as a dict display (the fastest way).

    The keys are embedded with repr(), which always yields a valid string literal.
    """
    params = ", ".join(f"_{i}" for i in range(len(names)))
    items = ", ".join(f"{name!r}: _{i}" for i, name in enumerate(names))
    maker: Callable[..., dict[str, Any]] = eval(f"lambda {params}: {{{items}}}")
    return maker


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while a chunk's rows are built and encoded, then on again if it was.

    A chunk's rows are ~16,000 new containers (a dict per record, a list per array value) that live
    until the chunk is encoded and hold no reference cycles: the collector, triggered every 700 new
    containers, would trace them again and again for nothing (about a tenth of a JSONL run's CPU,
    docs/performance.md). Reference counting frees them as before, and they must be gone before the
    collector is on again (the containers made while it was off count towards its next pass).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def chunk_rows(chunk: RecordChunk) -> list[dict[str, Any]]:
    """The chunk's records as dicts in column order (same as chunk.rows(), faster)."""
    if not chunk.columns:
        return [{} for _ in range(chunk.length)]
    if chunk.sparse:
        return chunk.rows()
    return list(map(_row_maker(tuple(chunk.columns)), *map(_values_once, chunk.columns.values())))


def _values_once(values: Sequence[Any]) -> Sequence[Any]:
    return values.python_values() if isinstance(values, Column) else values


def encode_lines(chunk: RecordChunk, separator: bytes = b"\n") -> bytes:
    """The chunk's records as compact JSON objects joined by `separator` (one newline in it), fast.

    orjson encodes the whole list in one call; the records are then split at every
    `},{"<first key>":`. That byte sequence cannot occur inside a string (its quote would be
    escaped), so it is a boundary between records, or between objects nested in an array that
    start with the same key. orjson never writes a raw newline, so counting newlines afterwards
    tells the cases apart; when nested objects were split too, the records are encoded one by one.
    The count is skipped when the columns' kinds say no value is an object (`may_hold_objects`).
    """
    with collector_paused():
        return _encoded(chunk, separator)  # its rows are freed on return, before the collector is back on


def _encoded(chunk: RecordChunk, separator: bytes) -> bytes:
    rows = chunk_rows(chunk)
    if not rows:
        return b""
    if rows[0]:
        marker = b"},{" + orjson.dumps(next(iter(rows[0]))) + b":"
        lines = orjson.dumps(rows)[1:-1].replace(marker, b"}" + separator + marker[2:])
        if _flat(chunk) or lines.count(b"\n") == len(rows) - 1:
            return lines
    return separator.join(map(orjson.dumps, rows))


def _flat(chunk: RecordChunk) -> bool:
    """Does every record start with the same key and hold no object (so the marker is only ever a boundary)?"""
    return not chunk.sparse and not any(map(may_hold_objects, chunk.columns.values()))


class JsonlRecordSink:
    """One JSON object per line; each chunk is one write (flushed when `flush` is set)."""

    def __init__(self, target: TextTarget, *, flush: bool = False, money: Mapping[str, int] | None = None) -> None:
        self._target = target
        self._flush = flush
        self._money = dict(money or {})  # amount columns and their decimals (adapters/sinks/money.py)

    def write(self, chunk: RecordChunk) -> None:
        chunk = with_money(chunk, self._money)
        handle = self._target.handle
        if self._flush:
            with collector_paused():
                rows = chunk_rows(chunk)
            for row in rows:
                handle.write(orjson.dumps(row, option=_OPTS))
                handle.flush()
        elif chunk.length:
            handle.write(encode_lines(chunk))  # two writes: no copy of the chunk's bytes to add a newline
            handle.write(b"\n")

    def close(self) -> None:
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
