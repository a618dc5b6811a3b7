"""The engine's and sinks' fast paths give exactly what the plain, slow way would."""

from __future__ import annotations

import csv
import io

import numpy as np
import orjson
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.adapters.columns.cells import python_cell
from agentic_synth.adapters.columns.vectors import (
    Column,
    Days,
    Instants,
    Lists,
    Numbers,
    Picks,
    Texts,
    may_hold_objects,
    vocabulary,
)
from agentic_synth.adapters.engine.records import ColumnEngine
from agentic_synth.adapters.engine.temporal_columns import iso_utc
from agentic_synth.adapters.sinks.csv import CsvRecordSink
from agentic_synth.adapters.sinks.jsonl import encode_lines
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

FIRST_SECOND, LAST_SECOND = -62135596800, 253402300799  # 0001-01-01 .. 9999-12-31T23:59:59


@given(st.lists(st.integers(FIRST_SECOND - 10**9, LAST_SECOND + 10**9), max_size=50))
def test_iso_text_built_column_wise_is_what_numpy_writes(seconds):
    secs = np.array(seconds, dtype=np.int64)
    expected = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s", timezone="UTC").tolist()
    assert iso_utc(secs) == expected


def test_iso_text_handles_leap_days_and_the_ends_of_the_fast_range():
    secs = np.array([FIRST_SECOND, LAST_SECOND, 951782400, 951868799, 4107542399, -1])
    assert iso_utc(secs) == ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2000-02-29T00:00:00Z",
                             "2000-02-29T23:59:59Z", "2100-02-28T23:59:59Z", "1969-12-31T23:59:59Z"]


def test_unique_emails_stay_unique_across_many_chunks():
    schema = Schema.from_payload({"first_name": "first_name", "last_name": "last_name",
                                  "email": {"type": "email", "unique": True}})
    engine = ColumnEngine(seed=7, locale="en_US")
    emails = []
    for chunk in range(6):
        emails += engine.columns(schema.fields, 8192, chunk * 8192, chunk)["email"]
    assert len(set(emails)) == len(emails) == 6 * 8192


def _plain_lines(chunk: RecordChunk, separator: bytes) -> bytes:
    return separator.join(orjson.dumps(row) for row in chunk.rows())


tricky = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(alphabet='id},{":\n\\"x ', max_size=12)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "x"]), inner, max_size=2),
    max_leaves=8,
)


@given(st.lists(st.tuples(tricky, tricky), max_size=12))
def test_jsonl_and_json_array_bodies_equal_encoding_each_record_alone(rows):
    chunk = RecordChunk.from_columns({"id": [a for a, _ in rows], "tags": [b for _, b in rows]})
    for separator in (b"\n", b",\n"):
        assert encode_lines(chunk, separator) == _plain_lines(chunk, separator)


def test_records_holding_arrays_of_objects_keyed_like_the_record_are_still_split_right():
    chunk = RecordChunk.from_columns({"id": [1, 2], "items": [[{"id": 5}, {"id": 6}], [{"id": 7}]]})
    assert encode_lines(chunk) == b'{"id":1,"items":[{"id":5},{"id":6}]}\n{"id":2,"items":[{"id":7}]}'


class _Buffer:
    def __init__(self) -> None:
        self.handle = io.BytesIO()


def _csv_rows(columns: dict, protect: bool) -> list[list[str]]:
    schema = Schema.from_payload({name: "string" for name in columns})
    target = _Buffer()
    sink = CsvRecordSink(target, schema, protect=protect)
    sink.write(RecordChunk.from_columns(columns))
    return list(csv.reader(io.StringIO(target.handle.getvalue().decode())))


def test_csv_cells_from_the_fast_path_match_the_general_one():
    columns = {"text": ["=1+1", "plain", "-3", "@x", "\tx"], "n": [1, -2, 3, 4, 5],
               "x": [0.5, -1.25, 2.0, 3.0, 1e-7], "b": [True, False, True, False, True],
               "mixed": ["a", None, 3, [1, 2], {"k": "=v"}]}
    general = [[python_cell(v, True) or "" for v in row] for row in zip(*columns.values(), strict=True)]
    assert _csv_rows(columns, protect=True)[1:] == general
    assert _csv_rows(columns, protect=True)[1][0] == "'=1+1"
    assert _csv_rows(columns, protect=False)[1][0] == "=1+1"


def test_picks_from_a_vocabulary_of_objects_keyed_like_the_record_are_split_right():
    # the newline count is skipped only when no value can be an object: enum values may be objects
    objects = vocabulary(np.array([{"id": 5}, {"id": 6}, "x"], dtype=object))
    chunk = RecordChunk.from_columns({"id": Numbers(np.array([1, 2])),
                                      "items": Lists(np.array([0, 2, 3]), Picks(np.array([0, 1, 2]), objects))})
    assert not _flat_kinds(chunk)
    for separator in (b"\n", b",\n"):
        assert encode_lines(chunk, separator) == _plain_lines(chunk, separator)


def _flat_kinds(chunk: RecordChunk) -> bool:
    return not any(map(may_hold_objects, chunk.columns.values()))


def test_columns_of_plain_kinds_hold_no_objects_and_encode_as_one_record_a_line():
    words = vocabulary(np.array(["a", "b", None, 3], dtype=object))
    chunk = RecordChunk.from_columns({
        "id": Numbers(np.array([1, 2, 3])),
        "name": Texts.from_strings(["x},{\"id\":1", "y", "z"]),
        "word": Picks(np.array([0, 2, 3]), words),
        "tags": Lists(np.array([0, 2, 2, 3]), Picks(np.array([0, 1, 0]), words)),
        "at": Instants(np.array([0, 60, 3600]), None),
        "day": Days(np.array([0, 1, 2])),
    })
    assert _flat_kinds(chunk)
    assert may_hold_objects([1, 2, 3])  # a plain list may hold anything
    for separator in (b"\n", b",\n"):
        assert encode_lines(chunk, separator) == _plain_lines(chunk, separator)


def test_the_cycle_collector_is_paused_while_a_chunk_is_encoded_and_restored_after():
    import gc

    seen = []

    class Probe(Column):
        __slots__ = ()

        def __len__(self) -> int:
            return 1

        def values(self) -> list:
            seen.append(gc.isenabled())
            return [1]

    assert gc.isenabled()
    encode_lines(RecordChunk.from_columns({"id": Probe()}))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        encode_lines(RecordChunk.from_columns({"id": Probe()}))
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_encoding_a_chunk_of_rows_with_arrays_sets_off_no_collection_of_its_rows():
    import gc

    tags = vocabulary(np.array(["a", "b", "c"], dtype=object))
    n = 8192
    offsets = np.arange(0, 2 * n + 1, 2)
    chunk = RecordChunk.from_columns({"id": Numbers(np.arange(n)),
                                      "tags": Lists(offsets, Picks(np.arange(2 * n) % 3, tags))})
    passes = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        lines = encode_lines(chunk)
    finally:
        gc.callbacks.remove(seen)
    assert passes == []  # 16,384 containers made and freed while the collector was off, none traced
    assert lines.count(b"\n") == n - 1 and lines.startswith(b'{"id":0,"tags":["a","b"]}')
