"""Reading records out of model replies, whole or piece by piece."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.application.replies import ObjectStream, parse_object, parse_records

RECORDS = [{"name": "Ann", "tags": ["a", "]"]}, {"name": "B}ob", "nested": {"x": [1, 2]}}]


@pytest.mark.parametrize("reply", [
    json.dumps(RECORDS),
    json.dumps({"records": RECORDS}),
    json.dumps({"people": RECORDS}),
    "Here you go:\n```json\n" + json.dumps({"data": RECORDS}) + "\n```\nEnjoy!",
    "Sure! " + json.dumps(RECORDS) + " Let me know if you need more.",
    "\n".join(json.dumps(r) for r in RECORDS),
])
def test_every_usual_reply_shape_gives_the_records(reply):
    assert parse_records(reply) == (RECORDS, 0)


def test_a_reply_cut_off_mid_array_keeps_the_complete_records():
    text = json.dumps({"records": RECORDS})
    assert parse_records(text[:-12]) == (RECORDS[:1], 0)


def test_a_broken_record_is_counted_and_the_others_are_kept():
    records, broken = parse_records('[{"a": 1}, {"a": }, {"a": 3}]')
    assert records == [{"a": 1}, {"a": 3}] and broken == 1


def test_prose_without_json_gives_nothing():
    assert parse_records("I cannot help with that.") == ([], 0)
    assert parse_object("no object here") is None


@given(st.lists(st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=8), st.integers()), max_size=3),
                max_size=6), st.integers(min_value=1, max_value=7))
def test_the_stream_reader_yields_the_same_records_whatever_the_piece_size(records, step):
    text = json.dumps({"records": records})
    reader = ObjectStream()
    got = []
    for i in range(0, len(text), step):
        got.extend(reader.feed(text[i:i + step]))
    assert got == records and reader.broken == 0
