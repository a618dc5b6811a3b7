"""Arrow types for a schema, and chunks as pyarrow RecordBatches built from the columns' buffers.

Numbers, instants and days become Arrow arrays over the same numpy memory; texts are string arrays
over their bytes and offsets; picks are a `take` on the vocabulary's Arrow array (made once); lists and
structs are built from offsets and children. Only columns a maker returned as a plain list go
through Python values (pyarrow's converter, with the value fixes below).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from agentic_synth.adapters.columns.text import concat, picked
from agentic_synth.adapters.columns.vectors import Column, Days, Instants, Lists, Numbers, Picks, Structs, Texts
from agentic_synth.domain.generation.records import MISSING, RecordChunk
from agentic_synth.domain.schema.json_schema import varies
from agentic_synth.domain.schema.schema import Field, Schema, thaw

_SIMPLE = {
    "integer": pa.int64(), "number": pa.float64(), "amount": pa.float64(), "latitude": pa.float64(),
    "longitude": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(), "time": pa.time64("us"),
}
TIMESTAMP = pa.timestamp("us", tz="UTC")
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def _literal_type(values: list[Any]) -> pa.DataType:
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


@functools.lru_cache(maxsize=1024)
def arrow_type(f: Field) -> pa.DataType:
    """The Arrow type a field's values are stored as (memoised: fields are frozen)."""
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
        return pa.list_(pa.field("element", arrow_type(f.items)))  # Parquet's name for list items
    return pa.string()


_PICKED = frozenset({"enum", "first_name", "last_name", "city"})


def picked_field(f: Field) -> bool:
    """Whether the engine makes this top-level field as vocabulary picks (a dictionary column)."""
    return (f.type in _PICKED and f.pattern is None and f.min_length is None and f.max_length is None
            and not f.unique and not f.after and pa.types.is_string(arrow_type(f)))


def arrow_schema(schema: Schema, *, dictionaries: bool = False) -> pa.Schema:
    """The schema's Arrow types; with `dictionaries`, picked fields are dictionary<int32, string>."""
    return pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), pa.string()) if dictionaries and picked_field(f)
                               else arrow_type(f), nullable=True) for f in schema.fields])


def record_batch(chunk: RecordChunk, schema: Schema, arrow: pa.Schema | None = None, *,
                 dictionaries: bool = False) -> pa.RecordBatch:
    """The chunk as a RecordBatch of the schema's Arrow types (see arrow_schema for `dictionaries`)."""
    arrow = arrow or arrow_schema(schema, dictionaries=dictionaries)
    arrays = []
    for f, target in zip(schema.fields, arrow, strict=True):
        values = chunk.columns[f.name]
        if chunk.sparse:  # a key a record leaves out is a null cell
            values = [None if v is MISSING else v for v in values]
        if pa.types.is_dictionary(target.type):
            arrays.append(_dictionary(values, f))
        else:
            arrays.append(to_arrow(values, f))
    return pa.RecordBatch.from_arrays(arrays, schema=arrow)


def _dictionary(values: Sequence[Any], f: Field) -> pa.Array:
    """A dictionary array: a Picks column's codes over its vocabulary, or any column encoded."""
    if isinstance(values, Picks) and values.vocabulary.values.dtype == object:
        vocab = _vocabulary_array(values, f, pa.string())
        if vocab.null_count == 0:
            return pa.DictionaryArray.from_arrays(pa.array(values.codes.astype(np.int32), mask=values.null), vocab)
    import pyarrow.compute as pc

    return pc.dictionary_encode(to_arrow(values, f)).cast(pa.dictionary(pa.int32(), pa.string()))


def _vocabulary_array(values: Picks, f: Field, typ: pa.DataType) -> pa.Array:
    return values.vocabulary.arrow(typ, lambda: pa.array([_to_python(v, f) for v in values.vocabulary.values.tolist()],
                                                           type=typ))


def _validity(column: Column) -> pa.Buffer | None:
    if column.null is None:
        return None
    return pa.py_buffer(np.packbits(~column.null, bitorder="little"))


def _mask(column: Column) -> pa.Array | None:
    return None if column.null is None else pa.array(column.null, pa.bool_())


def _fixed(typ: pa.DataType, data: np.ndarray, column: Column) -> pa.Array:
    """A fixed-width array over `data`'s buffer."""
    return pa.Array.from_buffers(typ, len(data), [_validity(column), pa.py_buffer(np.ascontiguousarray(data))],
                                 null_count=-1 if column.null is not None else 0)


def to_arrow(values: Sequence[Any], f: Field) -> pa.Array:
    """One column as an Arrow array of the field's type."""
    typ = arrow_type(f)
    if isinstance(values, Numbers):
        data = values.data
        if typ == pa.bool_() or data.dtype == np.bool_:
            return pa.array(data, typ, mask=values.null)
        if typ == pa.float64():
            return _fixed(typ, data.astype(np.float64, copy=False), values)
        if typ == pa.int64() and data.dtype == np.int64:
            return _fixed(typ, data, values)
        return pa.array(data, typ, mask=values.null)
    if isinstance(values, Texts) and typ == pa.string():
        return strings(values.data, values.offsets, values.null)
    if isinstance(values, Picks):
        vocab = _vocabulary_array(values, f, typ)
        if pa.types.is_string(typ) and vocab.null_count == 0:  # gathered on the bytes: no compute kernel
            data, offsets = concat([picked(*values.vocabulary.texts(), values.codes)], len(values.codes))
            return strings(data, offsets, values.null)
        return vocab.take(pa.array(values.codes, mask=values.null))
    if isinstance(values, Instants) and typ == TIMESTAMP:
        return _fixed(TIMESTAMP, values.seconds.astype(np.int64) * 1_000_000, values)
    if isinstance(values, Days) and typ == pa.date32():
        return _fixed(typ, (values.ordinals - _EPOCH_ORDINAL).astype(np.int32), values)
    if isinstance(values, Lists) and pa.types.is_list(typ):
        assert f.items is not None
        return pa.ListArray.from_arrays(pa.array(values.offsets.astype(np.int32)), to_arrow(values.items, f.items),
                                        type=typ, mask=_mask(values))
    if isinstance(values, Structs) and pa.types.is_struct(typ):
        children = [to_arrow(values.fields[c.name], c) for c in f.fields]
        return pa.StructArray.from_arrays(children, fields=list(typ), mask=_mask(values))
    return _from_values(list(values), f, typ)


def strings(data: np.ndarray, offsets: np.ndarray, null: np.ndarray | None) -> pa.Array:
    """A string array over UTF-8 bytes and n+1 offsets; `null` marks the missing values."""
    validity = None if null is None else pa.py_buffer(np.packbits(~null, bitorder="little"))
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data),
                                       validity, null_count=-1 if null is not None else 0)


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


def _from_values(values: list[Any], f: Field, typ: pa.DataType) -> pa.Array:
    """A column of Python values (made by a maker that returns lists)."""
    if f.type == "datetime" and typ == TIMESTAMP and f.format in (None, "iso"):
        import pyarrow.compute as pc  # only here: the Parquet path of engine columns needs no compute kernel

        text = pa.array(values, pa.string())
        return pc.cast(pc.replace_substring(text, "Z", ""), pa.timestamp("us")).cast(typ)
    if _needs_conversion(f):
        values = [_to_python(v, f) for v in values]
    return pa.array(values, type=typ)
