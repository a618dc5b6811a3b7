"""CSV sink: RFC 4180, a header row, nested objects flattened to dotted columns, formula protection.

Each chunk is written column-wise: every column's cells are a text piece over its own buffers
(adapters/columns/cells.py), and one numpy gather lays the pieces, commas and CRLFs out as the
chunk's lines, so no Python object is made per cell for the engine's columns and no pyarrow is
imported. The bytes are those Python's csv module (QUOTE_MINIMAL, CRLF) would write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.cells import cells, encoded, quoted_cell
from agentic_synth.adapters.columns.text import Piece, concat
from agentic_synth.adapters.columns.vectors import Column, Structs, as_list
from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.adapters.sinks.csv_names import flat_columns
from agentic_synth.adapters.sinks.money import money_columns, money_texts
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

_SEPARATORS = np.frombuffer(b',\r\n""', dtype=np.uint8)  # a comma, a line end, a lone empty cell


def _leaf(values: Sequence[Any], key: str) -> Sequence[Any]:
    """The `key` member of an object column (null where the object is)."""
    if isinstance(values, Structs):
        child = values.fields[key]
        if values.null is None:
            return child
        if isinstance(child, Column):
            return child.with_nulls(values.null)
        return [None if m else v for v, m in zip(child, values.null.tolist(), strict=True)]
    return [v.get(key) if isinstance(v, dict) else None for v in as_list(values)]


def _separator(n: int, start: int, length: int) -> Piece:
    return _SEPARATORS, np.full(n, start, dtype=np.int64), np.full(n, length, dtype=np.int64)


class CsvRecordSink:
    """Writes records as CSV; text cells a spreadsheet would run are protected unless protect=False."""

    def __init__(self, target: AtomicFile | Any, schema: Schema, *, protect: bool = True,
                 flush: bool = False, header: bool = True) -> None:
        self._target = target
        self._protect = protect
        self._flush = flush
        self._columns = flat_columns(schema.fields)
        self._money = money_columns(schema)  # amount columns and their decimals (adapters/sinks/money.py)
        if not header:  # a part after the first: joined to the ones before, the file has one header
            return
        names = [quoted_cell(name, protect) or "" for name, _ in self._columns]
        self._write((",".join(names) + "\r\n").encode("utf-8") if len(names) != 1 or names[0]
                    else b'""\r\n')

    def _write(self, data: bytes | memoryview) -> None:
        self._target.handle.write(data)
        if self._flush:
            self._target.handle.flush()

    def write(self, chunk: RecordChunk) -> None:
        n = chunk.length
        if not n:
            return
        if not self._columns:
            self._write(b"\r\n" * n)
            return
        comma, pieces = _separator(n, 0, 1), []
        for _, path in self._columns:
            values = chunk.columns[path[0]]
            for key in path[1:]:
                values = _leaf(values, key)
            money = self._money.get(path[0]) if len(path) == 1 else None
            pieces += [cells(values, self._protect) if money is None else self._money_cells(values, money), comma]
        if len(self._columns) == 1:  # a lone empty field is written as "" (as csv.writer does), not as a blank line
            source, starts, lengths = pieces[0]
            empty = lengths == 0
            if empty.any():
                pieces[0] = (np.concatenate([source, _SEPARATORS]), np.where(empty, len(source) + 3, starts),
                             np.where(empty, 2, lengths))
        pieces[-1] = _separator(n, 1, 2)
        lines, _ = concat(pieces, n)
        self._write(lines.data)

    def _money_cells(self, values: Any, decimals: int) -> Piece:
        texts = money_texts(values, decimals)
        return cells(values, self._protect) if texts is None else encoded(texts)

    def close(self) -> None:
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
