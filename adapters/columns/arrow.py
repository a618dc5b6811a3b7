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

from agentic_synth.adapters.columns.arrow_buffers import booleans, fixed, from_python, numbers, strings
from agentic_synth.adapters.columns.text import concat, picked, utf8
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
    if all(isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool) and float(v) == v)
           for v in values):  # ints and floats: doubles, unless an int is beyond what a double holds exactly
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
    """A dictionary array: a Picks column's codes over its vocabulary's distinct values, or any column encoded."""
    if isinstance(values, Picks) and values.vocabulary.values.dtype == object:
        vocab, remap = values.vocabulary.arrow(("distinct", pa.string()), lambda: _distinct(values, f))
        if vocab.null_count == 0:
            codes = values.codes if remap is None else remap[values.codes]
            return pa.DictionaryArray.from_arrays(fixed(pa.int32(), codes.astype(np.int32), values.null), vocab)
    import pyarrow.compute as pc

    return pc.dictionary_encode(to_arrow(values, f)).cast(pa.dictionary(pa.int32(), pa.string()))


def _distinct(values: Picks, f: Field) -> tuple[pa.Array, np.ndarray | None]:
    """The vocabulary's distinct values in first-seen order, and each value's code among them (None: all distinct).

    A dictionary must not repeat a value (cities share names across states): given one that does,
    pyarrow's Parquet writer falls back to plain encoding after sizing the dictionary page for the
    repeats, and the unused tail of that page holds whatever memory the allocator handed back, so the
    file's bytes depended on what the process had done before (pyarrow 26).
    """
    first: dict[Any, int] = {}
    remap = [first.setdefault(_to_python(v, f), len(first)) for v in values.vocabulary.values.tolist()]
    array = from_python(list(first), pa.string())
    return array, None if len(first) == len(remap) else np.array(remap, dtype=np.int32)


def _vocabulary_array(values: Picks, f: Field, typ: pa.DataType) -> pa.Array:
    return values.vocabulary.arrow(
        typ, lambda: from_python(_all_to_python(values.vocabulary.values.tolist(), f), typ))


def _mask(column: Column) -> pa.Array | None:
    return None if column.null is None else booleans(column.null)


def _gather(vocab: pa.Array, values: Picks, f: Field) -> pa.Array:
    """The picked values of a non-text vocabulary: a numpy gather for plain numbers, else Arrow's take."""
    plain = values.vocabulary.arrow(("numpy", vocab.type), lambda: _plain(values, f, vocab.type))
    made = None if plain is None else numbers(vocab.type, plain[values.codes], values.null)
    return made if made is not None else vocab.take(fixed(pa.int64(), values.codes.astype(np.int64), values.null))


def _plain(values: Picks, f: Field, typ: pa.DataType) -> np.ndarray | None:
    """The vocabulary as a numpy array of numbers or booleans (None: it holds something else)."""
    items = _all_to_python(values.vocabulary.values.tolist(), f)
    if any(v is None for v in items):
        return None
    data = np.array(items)
    return data if data.ndim == 1 and numbers(typ, data) is not None else None


def to_arrow(values: Sequence[Any], f: Field) -> pa.Array:
    """One column as an Arrow array of the field's type."""
    typ = arrow_type(f)
    if isinstance(values, Numbers):
        made = numbers(typ, values.data, values.null)
        return made if made is not None else pa.array(values.data, typ, mask=values.null)
    if isinstance(values, Texts) and typ == pa.string():
        return strings(values.data, values.offsets, values.null)
    if isinstance(values, Picks):
        vocab = _vocabulary_array(values, f, typ)
        if pa.types.is_string(typ) and vocab.null_count == 0:  # gathered on the bytes: no compute kernel
            data, offsets = concat([picked(*values.vocabulary.texts(), values.codes)], len(values.codes))
            return strings(data, offsets, values.null)
        return _gather(vocab, values, f)
    if isinstance(values, Instants) and typ == TIMESTAMP:
        return fixed(TIMESTAMP, values.seconds.astype(np.int64) * 1_000_000, values.null)
    if isinstance(values, Days) and typ == pa.date32():
        return fixed(typ, (values.ordinals - _EPOCH_ORDINAL).astype(np.int32), values.null)
    if isinstance(values, Lists) and pa.types.is_list(typ):
        assert f.items is not None
        offsets = fixed(pa.int32(), values.offsets.astype(np.int32))
        return pa.ListArray.from_arrays(offsets, to_arrow(values.items, f.items), type=typ, mask=_mask(values))
    if isinstance(values, Structs) and pa.types.is_struct(typ):
        children = [to_arrow(values.fields[c.name], c) for c in f.fields]
        return pa.StructArray.from_arrays(children, fields=list(typ), mask=_mask(values))
    return _from_values(list(values), f, typ)


def _all_to_python(values: list[Any], f: Field) -> list[Any]:
    """`_to_python` of each value, or the values themselves where it would change none (the vocabulary of a
    million-value enum of numbers or texts)."""
    if f.type in ("enum", "const") and not varies(f) and (
            arrow_type(f) != pa.string() or all(type(v) is str for v in values)):
        return values
    return [_to_python(v, f) for v in values]


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

        text = from_python(values, pa.string())
        return pc.cast(pc.replace_substring(text, "Z", ""), pa.timestamp("us")).cast(typ)
    if f.type == "time" and typ == pa.time64("us"):
        clock = _clock(values)
        if clock is not None:
            return clock
    if _needs_conversion(f):
        values = [_to_python(v, f) for v in values]
    return from_python(values, typ)


_CLOCK_LIMITS = np.array([2, 9, 0, 5, 9, 0, 5, 9])  # the largest digit at each place of HH:MM:SS (colons: 0)


def _clock(values: list[Any]) -> pa.Array | None:
    """'HH:MM:SS' texts (the engine's times) as time64[us], or None when one is in another form."""
    null = np.array([v is None for v in values], dtype=np.bool_)
    try:
        data, offsets = utf8(["00:00:00" if v is None else v for v in values])
    except AttributeError:
        return None
    if len(data) != 8 * len(values) or (np.diff(offsets) != 8).any():
        return None
    d = data.reshape(-1, 8).astype(np.int64) - ord("0")
    colons = d[:, [2, 5]] == ord(":") - ord("0")
    d[:, [2, 5]] = 0
    if not colons.all() or (d < 0).any() or (d > _CLOCK_LIMITS).any() or (d[:, 0] * 10 + d[:, 1] > 23).any():
        return None
    seconds = (d[:, 0] * 10 + d[:, 1]) * 3600 + (d[:, 3] * 10 + d[:, 4]) * 60 + d[:, 6] * 10 + d[:, 7]
    return fixed(pa.time64("us"), seconds * 1_000_000, null if null.any() else None)
