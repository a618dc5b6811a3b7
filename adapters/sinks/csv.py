"""CSV sink: RFC 4180, a header row, nested objects flattened to dotted columns, formula protection.

Each chunk is written column-wise: every column's cells are an Arrow string array (adapters/columns/
cells.py) and one Arrow kernel joins them into the chunk's lines, so no Python object is made per cell
for the engine's columns. The bytes are those Python's csv module (QUOTE_MINIMAL, CRLF) would write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agentic_synth.adapters.columns.cells import cells, text_cells
from agentic_synth.adapters.columns.vectors import Column, Structs, Texts, as_list
from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.adapters.sinks.csv_names import flat_columns
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema


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


def _bytes(lines: pa.Array) -> memoryview:
    """The data buffer of a string array: its values laid end to end."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])]


class CsvRecordSink:
    """Writes records as CSV; text cells a spreadsheet would run are protected unless protect=False."""

    def __init__(self, target: AtomicFile | Any, schema: Schema, *, protect: bool = True,
                 flush: bool = False, header: bool = True) -> None:
        self._target = target
        self._protect = protect
        self._flush = flush
        self._columns = flat_columns(schema.fields)
        if not header:  # a part after the first: joined to the ones before, the file has one header
            return
        names = Texts.from_strings([name for name, _ in self._columns])
        cells = text_cells(names.data, names.offsets, None, protect).to_pylist() if self._columns else []
        self._write((",".join(cells) + "\r\n").encode("utf-8") if len(cells) != 1 or cells[0]
                    else b'""\r\n')

    def _write(self, data: bytes | memoryview) -> None:
        self._target.handle.write(data)
        if self._flush:
            self._target.handle.flush()

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        if not self._columns:
            self._write(b"\r\n" * chunk.length)
            return
        columns = []
        for _, path in self._columns:
            values = chunk.columns[path[0]]
            for key in path[1:]:
                values = _leaf(values, key)
            columns.append(cells(values, self._protect))
        if len(columns) == 1:  # a lone empty field is written as "" (as csv.writer does), not as a blank line
            only = pc.fill_null(columns[0], "")
            columns = [pc.if_else(pc.equal(only, ""), '""', only)]
        joined = pc.binary_join_element_wise(*columns, ",", null_handling="replace", null_replacement="")
        self._write(_bytes(pc.binary_join_element_wise(joined, "", "\r\n")))

    def close(self) -> None:
        self._target.commit()

    def abort(self) -> None:
        self._target.discard()
