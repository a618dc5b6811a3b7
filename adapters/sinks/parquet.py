"""Parquet sink: typed columns from the schema, written in row groups as chunks stream in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.domain.generation.records import MISSING, RecordChunk
from agentic_synth.domain.schema.json_schema import varies
from agentic_synth.domain.schema.schema import Field, Schema, thaw

ROW_GROUP = 32768
_SIMPLE = {
    "integer": pa.int64(), "number": pa.float64(), "amount": pa.float64(), "latitude": pa.float64(),
    "longitude": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(), "time": pa.time64("us"),
}
TIMESTAMP = pa.timestamp("us", tz="UTC")
# Dictionary encoding pays off for columns drawn from a small set of values; for the rest (ids,
# emails, phones...) pyarrow would build a dictionary, find it too big and fall back, holding ~2x the
# memory meanwhile. So only these top-level field types get a dictionary.
_DICTIONARY_TYPES = frozenset({"enum", "const", "boolean", "first_name", "last_name", "city", "country",
                               "country_code", "currency", "job", "word", "color"})


def _literal_type(values: list[Any]) -> pa.DataType:
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


def arrow_type(f: Field) -> pa.DataType:
    if varies(f):  # JSON Schema values whose shape changes from record to record: JSON text
        return pa.string()
    if f.type in _SIMPLE:
        if f.type == "integer" and f.multiple_of and not float(f.multiple_of).is_integer():
            return pa.float64()
        return _SIMPLE[f.type]
    if f.type == "datetime":
        return TIMESTAMP if f.format is None or f.format in ("iso", "epoch", "epoch_ms") else pa.string()
    if f.type == "enum":
        return _literal_type([thaw(v) for v in f.values])
    if f.type == "const":
        return _literal_type([thaw(f.const)])
    if f.type == "object":
        return pa.struct([pa.field(c.name, arrow_type(c), nullable=True) for c in f.fields])
    if f.type == "array":
        assert f.items is not None
        return pa.list_(arrow_type(f.items))
    return pa.string()


def arrow_schema(schema: Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, arrow_type(f), nullable=True) for f in schema.fields])


def _to_python(value: Any, f: Field) -> Any:
    """Text-form dates and times back to Python values for pyarrow; nested values recursively."""
    if value is None:
        return None
    if varies(f):
        return orjson.dumps(value).decode()
    if f.type == "datetime" and arrow_type(f) == TIMESTAMP:
        if isinstance(value, int | float):
            secs = value / 1000 if f.format == "epoch_ms" else value
            return dt.datetime.fromtimestamp(secs, dt.timezone.utc)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if f.type == "date":
        return dt.date.fromisoformat(value)
    if f.type == "time":
        return dt.time.fromisoformat(value)
    if f.type == "object":
        return {c.name: _to_python(value.get(c.name), c) for c in f.fields}
    if f.type == "array":
        assert f.items is not None
        return [_to_python(v, f.items) for v in value]
    if f.type in ("enum", "const") and arrow_type(f) == pa.string() and not isinstance(value, str):
        return str(value)
    return value


def _needs_conversion(f: Field) -> bool:
    return f.type in ("datetime", "date", "time", "object", "array", "enum", "const") or varies(f)


def _column(values: list[Any], f: Field, typ: pa.DataType) -> pa.Array:
    if f.type == "datetime" and typ == TIMESTAMP and f.format in (None, "iso"):
        text = pa.array(values, pa.string())
        return pc.cast(pc.replace_substring(text, "Z", ""), pa.timestamp("us")).cast(typ)
    if _needs_conversion(f):
        values = [_to_python(v, f) for v in values]
    return pa.array(values, type=typ)


class ParquetRecordSink:
    """Writes a typed Parquet file; a row group is flushed every ROW_GROUP records."""

    def __init__(self, target: AtomicFile, schema: Schema) -> None:
        self._target = target
        self._schema = schema
        self._arrow = arrow_schema(schema)
        dictionary = [f.name for f in schema.fields if f.type in _DICTIONARY_TYPES]
        self._writer = pq.ParquetWriter(target.handle, self._arrow, compression="zstd", use_dictionary=dictionary)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        columns = chunk.columns if not chunk.sparse else {
            k: [None if v is MISSING else v for v in col] for k, col in chunk.columns.items()}
        arrays = [_column(columns[f.name], f, self._arrow.field(f.name).type) for f in self._schema.fields]
        self._pending.append(pa.RecordBatch.from_arrays(arrays, schema=self._arrow))
        self._pending_rows += chunk.length
        if self._pending_rows >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.Table.from_batches(self._pending), row_group_size=self._pending_rows)
            self._pending, self._pending_rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self._target.commit()

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self._target.discard()
