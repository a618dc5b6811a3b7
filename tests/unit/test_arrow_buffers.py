"""Arrow arrays made from buffers and Python lists (adapters/columns/arrow_buffers.py) equal what pa.array makes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from agentic_synth.adapters.columns.arrow import record_batch, to_arrow
from agentic_synth.adapters.columns.arrow_buffers import booleans, from_python, numbers
from agentic_synth.adapters.engine.records import ColumnEngine
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_CASES = [
    (st.lists(st.none() | _TEXT, max_size=40), pa.string()),
    (st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40), pa.int64()),
    (st.lists(st.none() | st.integers(-(2**40), 2**40), max_size=40), pa.int64()),
    (st.lists(st.floats(allow_nan=False) | st.integers(-(2**50), 2**50), max_size=40), pa.float64()),
    (st.lists(st.booleans(), max_size=40), pa.bool_()),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(_CASES))).flatmap(lambda i: st.tuples(_CASES[i][0], st.just(_CASES[i][1]))))
def test_python_values_become_the_array_pyarrow_would_make(case):
    values, typ = case
    made = from_python(values, typ)
    made.validate(full=True)
    assert made.type == typ
    assert made.equals(pa.array(values, type=typ))


def test_values_that_are_not_plain_are_left_to_pyarrow_and_its_errors():
    assert from_python([b"ab", "c"], pa.string()).to_pylist() == ["ab", "c"]
    with pytest.raises(pa.ArrowTypeError, match="int"):
        from_python(["a", 1], pa.string())
    for big in ([2**63], [2**64, 1.5]):  # numpy makes objects of these: pyarrow's converter decides
        with pytest.raises(pa.ArrowInvalid, match="too large"):
            from_python(big, pa.float64())
    assert from_python([1.5, None], pa.float64()).to_pylist() == [1.5, None]


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(st.sampled_from([np.int8, np.int32, np.int64, np.uint16, np.uint32, np.float32, np.float64,
                                   np.bool_]), st.integers(0, 30)),
       st.sampled_from([pa.int64(), pa.float64(), pa.bool_()]), st.booleans())
@example(np.array([np.nan], dtype=np.float32), pa.float64(), False)  # hypothesis found it: NaN stays NaN
def test_numpy_data_is_wrapped_only_when_it_converts_exactly(data, typ, with_nulls):
    null = (np.arange(len(data)) % 3 == 0) if with_nulls and len(data) else None
    made = numbers(typ, data, null)
    if made is None:  # a lossy or odd pairing goes to pyarrow's converter instead
        assert (typ, data.dtype.kind) not in {(pa.float64(), "f"), (pa.int64(), "i"), (pa.bool_(), "b")}
        return
    made.validate(full=True)
    expected = pa.array(data, type=typ, mask=null, safe=False)  # ints past 2**53 round to the nearest double
    assert made.type == expected.type and made.is_null().equals(expected.is_null())
    np.testing.assert_array_equal(made.to_numpy(zero_copy_only=False),  # NaN equals NaN here (Arrow's equals:
                                  expected.to_numpy(zero_copy_only=False))  # not, and hypothesis found one)


def test_a_bit_packed_boolean_array_with_nulls_reads_back_as_its_values():
    data = np.array([True, False, True, True, False, False, True, False, True])
    null = np.array([False, True, False, False, False, True, False, False, False])
    assert booleans(data, null).to_pylist() == [None if n else bool(v) for v, n in zip(data, null, strict=True)]


_TIME = Schema.from_payload({"t": {"type": "time", "nullable": True}}).fields[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.none() | st.times().map(lambda t: t.replace(microsecond=0)), max_size=30))
def test_engine_clock_texts_become_time_values(times):
    texts = [None if t is None else t.isoformat() for t in times]
    made = to_arrow(texts, _TIME)
    assert made.type == pa.time64("us")
    assert made.to_pylist() == times


@pytest.mark.parametrize("text", ["24:00:00", "12:60:00", "1:02:03", "12:30", "12-30-00", "12:30:00.5", "ab:cd:ef"])
def test_a_time_in_another_form_takes_the_general_path(text):
    try:
        expected: object = [dt.time.fromisoformat(text)]
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)[:20]):
            to_arrow([text], _TIME)
        return
    assert to_arrow([text], _TIME).to_pylist() == expected


def test_a_batch_of_number_boolean_and_time_picks_holds_the_records_values():
    schema = Schema.from_payload({
        "n": {"enum": [1, 2, 3], "nullable": True}, "x": {"enum": [0.5, 1.5, 2]}, "b": {"enum": [True, False]},
        "mixed": {"enum": [1, "a", None]}, "c": {"const": 7}, "t": {"type": "time", "nullable": True},
        "tags": {"type": "array", "items": {"enum": [10, 20]}}})
    chunk = RecordChunk.from_columns(ColumnEngine(seed=5, locale="en_US").columns(schema.fields, 2000, 0, 0))
    batch = record_batch(chunk, schema)
    batch.validate(full=True)
    expected = [{**row, "t": None if row["t"] is None else dt.time.fromisoformat(row["t"]),
                 "mixed": None if row["mixed"] is None else str(row["mixed"])} for row in chunk.rows()]
    assert batch.to_pylist() == expected
    assert {str(t) for t in batch.schema.types} >= {"int64", "double", "bool", "time64[us]", "list<element: int64>"}
