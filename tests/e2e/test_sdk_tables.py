"""SDK results as tables: to_arrow / to_pandas / to_polars and generate_batches keep the values and types."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from agentic_synth import AgenticSynth

SCHEMA = {"id": "uuid", "n": {"type": "integer", "min": -5, "max": 5}, "x": "number", "ok": "boolean",
          "at": "datetime", "day": "date", "plan": {"enum": ["free", "pro"], "weights": [0.8, 0.2]},
          "phone": {"type": "phone", "nullable": True, "null_rate": 0.3},
          "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}, "max_items": 3},
          "home": {"city": "city", "zip": "postcode"}}


@pytest.fixture
def synth():
    return AgenticSynth(config={})


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_to_arrow_holds_the_records_values_with_typed_columns(synth):
    result = synth.generate("structured", schema=SCHEMA, count=20_000, seed=5)
    table = result.to_arrow()
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["n"] == pa.int64() and types["x"] == pa.float64() and types["ok"] == pa.bool_()
    assert types["at"] == pa.timestamp("us", tz="UTC") and types["day"] == pa.date32()
    assert pa.types.is_list(types["tags"]) and pa.types.is_struct(types["home"])
    assert table.num_rows == len(result) == 20_000
    rows = table.to_pylist()
    for row, record in zip(rows, result.records, strict=True):
        assert _iso(row.pop("at")) == record.pop("at")
        assert row.pop("day").isoformat() == record.pop("day")
        assert row == record
    assert 0.2 < table.column("phone").null_count / 20_000 < 0.4


def test_a_result_is_a_table_before_it_is_rows(synth):
    result = synth.generate("structured", schema=SCHEMA, count=100, seed=1)
    assert result._records is None  # nothing made rows yet
    assert result.to_arrow().num_rows == 100 and result._records is None
    assert len(result.records) == 100 and next(iter(result)) == result.records[0]


def test_to_pandas_keeps_int64_and_utc_timestamps(synth):
    pandas = pytest.importorskip("pandas")
    frame = synth.generate("structured", schema=SCHEMA, count=500, seed=2).to_pandas()
    assert str(frame["n"].dtype) == "int64" and str(frame["ok"].dtype) == "bool"
    assert isinstance(frame["at"].dtype, pandas.DatetimeTZDtype) and str(frame["at"].dt.tz) == "UTC"
    assert frame["n"].between(-5, 5).all()


def test_to_polars_keeps_the_types(synth):
    polars = pytest.importorskip("polars")
    frame = synth.generate("structured", schema=SCHEMA, count=500, seed=2).to_polars()
    assert frame.schema["n"] == polars.Int64 and frame.schema["at"] == polars.Datetime("us", "UTC")
    assert frame.height == 500


def test_generate_batches_yields_record_batches_equal_to_the_records(synth):
    batches = list(synth.generate_batches("structured", schema=SCHEMA, count=20_000, seed=9))
    assert all(isinstance(b, pa.RecordBatch) for b in batches) and [b.num_rows for b in batches] == [8192, 8192, 3616]
    expected = synth.generate("structured", schema=SCHEMA, count=20_000, seed=9).to_arrow()
    assert pa.Table.from_batches(batches).equals(expected)


def test_a_run_gives_the_collector_back_as_it_found_it(synth):
    import gc

    assert gc.get_freeze_count() == 0
    synth.generate("structured", schema={"n": "integer"}, count=10, seed=1)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
