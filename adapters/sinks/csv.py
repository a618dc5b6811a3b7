"""CSV sink: RFC 4180, a header row, nested objects flattened to dotted columns, formula protection."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.domain.generation.records import MISSING, RecordChunk
from agentic_synth.domain.schema.json_schema import varies
from agentic_synth.domain.schema.schema import Field, Schema

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flat_columns(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(dotted column name, path of keys) for every leaf; objects are flattened, arrays stay whole (as do
    JSON Schema values whose shape varies: maps, unions, objects with optional keys)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for f in fields:
        name = f"{prefix}{f.name}"
        if f.type == "object" and not varies(f):
            out.extend((n, (f.name, *p)) for n, p in flat_columns(f.fields, name + "."))
        else:
            out.append((name, (f.name,)))
    return out


def neutralise(value: str) -> str:
    """OWASP advice: a text cell that a spreadsheet would read as a formula gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class CsvRecordSink:
    """Writes records as CSV; text starting with = + - @ TAB CR is neutralised unless protect=False."""

    def __init__(self, target: AtomicFile | Any, schema: Schema, *, protect: bool = True,
                 flush: bool = False) -> None:
        self._target = target
        self._protect = protect
        self._flush = flush
        self._columns = flat_columns(schema.fields)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        self._writer.writerow([name for name, _ in self._columns])
        self._drain()

    def _drain(self) -> None:
        self._target.handle.write(self._buffer.getvalue().encode("utf-8"))
        if self._flush:
            self._target.handle.flush()
        self._buffer.seek(0)
        self._buffer.truncate()

    def _cells(self, chunk: RecordChunk) -> list[list[Any]]:
        cols = []
        for _, path in self._columns:
            values = chunk.columns[path[0]]
            for key in path[1:]:
                values = [v.get(key) if isinstance(v, dict) else None for v in values]
            cols.append(self._column(values))
        return cols

    def _column(self, values: list[Any]) -> list[Any]:
        """A column's cells; columns of one plain type take a fast path (the same cells as _cell)."""
        kinds = set(map(type, values))
        if kinds <= {int, float}:
            return values
        if kinds == {str}:
            if not self._protect:
                return values
            return ["'" + v if v.startswith(_FORMULA_START) else v for v in values]
        return [self._cell(v) for v in values]

    def _cell(self, value: Any) -> Any:
        if value is None or value is MISSING:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list | dict):
            value = orjson.dumps(value).decode()
        if isinstance(value, str) and self._protect:
            return neutralise(value)
        return value

    def write(self, chunk: RecordChunk) -> None:
        self._writer.writerows(zip(*self._cells(chunk), strict=True))
        self._drain()

    def close(self) -> None:
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
