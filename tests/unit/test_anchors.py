"""Anchors: which fields the engine draws per record, and that the stream keeps their values valid and unique."""

from __future__ import annotations

import pytest

from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.application import anchors
from agentic_synth.application.anchors import AnchorStream, anchor_fields
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record

SCHEMA = Schema.from_payload({
    "id": {"type": "integer", "unique": True, "min": 1, "max": 1000},  # 800 anchors of 1,000 values: no room for luck
    "signup": {"type": "datetime", "min": "2024-01-01T00:00:00Z", "max": "2025-01-01T00:00:00Z"},
    "last_login": {"type": "datetime", "after": "signup", "max": "2025-06-01T00:00:00Z"},
    "renewal": {"type": "date", "after": "trial_end"},
    "trial_end": {"type": "date", "min": "2024-01-01", "max": "2024-12-31"},
    "plan": {"enum": ["free", "pro"]},
    "email": {"type": "email", "unique": True},
    "review": {"type": "sentence", "llm": "a short review"},
})


def _request(schema: Schema, count: int) -> GenerationRequest:
    return GenerationRequest(kind="structured", schema=schema, count=count, seed=11, mode="llm")


def _engine():
    return StructuredGenerator().chunks


def test_unique_fields_and_dates_that_come_after_an_anchored_one_are_anchored_text_and_llm_fields_are_not():
    names = [f.name for f in anchor_fields(SCHEMA)]
    assert names == ["id", "signup", "last_login", "renewal", "trial_end", "plan"]
    assert [f.name for f in anchor_fields(SCHEMA, unique=False)] == ["signup", "last_login", "renewal", "trial_end",
                                                                   "plan"]
    lonely = Schema.from_payload({"when": {"type": "date", "after": "since"},
                                  "since": {"type": "date", "unique": True}})
    assert anchor_fields(lonely, unique=False) == ()  # 'since' is the model's to write: 'when' cannot be drawn alone


def test_the_anchor_stream_never_repeats_a_unique_value_across_its_blocks_and_keeps_dates_in_order(monkeypatch):
    monkeypatch.setattr(anchors, "BLOCK", 64)  # many blocks: each one is a shard of the same engine job
    stream = AnchorStream.for_request(_engine(), _request(SCHEMA, 100))
    assert stream is not None and stream.total == anchors.SPAN * 100
    rows = stream.take(700)
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids) == 700
    drawn = Schema(fields=anchor_fields(SCHEMA))
    assert all(validate_record(r, drawn) == [] for r in rows)  # last_login after signup, renewal after trial_end
    again = AnchorStream.for_request(_engine(), _request(SCHEMA, 100))
    assert again is not None and again.take(700) == rows  # a replay asks the same questions


@pytest.mark.parametrize(("top", "count", "total", "anchored"), [
    (10**6, 50, 400, True),  # room for SPAN x count unique values
    (120, 100, 100, True),  # room for the count only
    (20, 100, 800, False),  # not even the count: the unique field is the model's (the keeper catches repeats)
])
def test_a_unique_field_too_narrow_for_the_anchor_job_is_drawn_for_fewer_records_or_left_to_the_model(
        top, count, total, anchored):
    schema = Schema.from_payload({"n": {"type": "integer", "unique": True, "min": 1, "max": top}, "plan": "boolean"})
    stream = AnchorStream.for_request(_engine(), _request(schema, count))
    assert stream is not None and stream.total == total and ("n" in stream.names) is anchored
    if anchored:
        values = [r["n"] for r in stream.take(total)]
        assert len(set(values)) == total
