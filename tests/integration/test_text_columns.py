"""Text columns (fields marked "llm", hybrid mode): the engine makes the rows, the model writes the marked fields,
many rows a call, each with its context; through the CLI and the real openai SDK against the realistic fake."""

from __future__ import annotations

import json
import re
from collections import Counter

from agentic_synth.application.text_columns import TextColumnsJob
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.work_queue import Outcome
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.models import Completion
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from tests.integration.test_llm_realistic import FAST, assert_valid_and_unique, calls_bound, run

REVIEWS = {"id": {"type": "uuid", "unique": True},
           "product": {"type": "enum", "enum": ["kettle", "toaster", "blender"], "weights": [0.5, 0.3, 0.2]},
           "rating": {"type": "integer", "min": 1, "max": 5},
           "review": {"type": "text", "maxLength": 300,
                      "llm": "a two-sentence review consistent with rating and product"}}


def test_the_model_writes_the_marked_field_of_every_engine_row_many_rows_a_call(tmp_path):
    code, rows, report, server = run(tmp_path, FAST, 300, "--mode", "hybrid", schema=REVIEWS)
    assert code == 0 and len(rows) == 300
    assert_valid_and_unique(rows, REVIEWS)
    assert all(r["review"] for r in rows) and list(rows[0]) == list(REVIEWS)
    shares = Counter(r["product"] for r in rows)
    assert abs(shares["kettle"] / 300 - 0.5) < 0.1  # the engine's distribution, not the model's taste
    text_calls = [r for r in server.completion_requests if "For each row below write" in r.json["messages"][-1]
                  ["content"]]
    assert len(text_calls) <= calls_bound(300, 50 * 0.3)  # 50 rows a call, at least 30 % answered
    first = next(p for p in (r.json["messages"][-1]["content"] for r in text_calls) if '\n{"row": 1, ' in p)
    row_one = json.loads(re.search(r'^(\{"row": 1,.*\})$', first, re.MULTILINE).group(1))
    assert row_one["rating"] == rows[0]["rating"] and row_one["product"] == rows[0]["product"]
    assert "review" not in row_one and "two-sentence review consistent with rating" in first
    assert report["models"]["m"]["records"] == 300


def _job(count=6, per_call=3, unique=False):
    schema = Schema.from_payload({"n": "integer", "t": {"type": "sentence", "llm": "say something", "unique": unique}})
    request = GenerationRequest(kind="structured", schema=schema, count=count, seed=1, mode="hybrid",
                                ai=AISettings(model="m"))
    job = TextColumnsJob(request, request.ai, iter({"n": i} for i in range(count)), count, UsageTally(), slots=2)
    job.per_call = per_call
    return job


def _answer(job, call, texts):
    completion = Completion(text="", model="m", provider="fake")
    return job.take(Outcome(call, tuple({"row": n, "t": t} for n, t in texts), completion=completion))


def test_rows_left_out_are_asked_again_most_missed_first_and_rows_come_out_in_engine_order():
    job = _job()
    first, second = job.next_call(0), job.next_call(1)
    assert first.payload == (1, 2, 3) and second.payload == (4, 5, 6)
    assert '{"row": 1, "n": 0}' in first.request.prompt
    rows, filled = _answer(job, second, [(4, "d."), (5, "e."), (6, "f.")])
    assert (rows, filled) == ([], 3)  # row 1 comes first: nothing is emitted before it
    rows, filled = _answer(job, first, [(1, "a."), (3, 42)])  # row 2 left out, row 3's text is no text
    assert [r["t"] for r in rows] == ["a."] and filled == 1
    again, later = job.next_call(2), job.next_call(3)
    assert (again.payload, later.payload) == ((3,), (2,))  # the tail, spread over the 2 slots: the last left out first
    assert _answer(job, again, [(3, "c.")]) == ([], 1)
    rows, _ = _answer(job, later, [(2, "b.")])
    assert [r["t"] for r in rows] == ["b.", "c.", "d.", "e.", "f."] and job.done
    assert list(rows[0]) == ["n", "t"]


def test_a_unique_text_written_twice_is_asked_again():
    job = _job(count=2, per_call=2, unique=True)
    call = job.next_call(0)
    rows, filled = _answer(job, call, [(1, "Same."), (2, "Same.")])
    assert filled == 1 and [r["t"] for r in rows] == ["Same."]
    retry = job.next_call(1)
    assert retry.payload == (2,)
    rows, _ = _answer(job, retry, [(2, "Other.")])
    assert [r["t"] for r in rows] == ["Other."] and job.done


def test_in_llm_mode_the_instruction_of_a_marked_field_goes_into_the_prompt(tmp_path):
    code, rows, _, server = run(tmp_path, FAST, 20, schema=REVIEWS)
    assert code == 0 and len(rows) == 20
    prompt = server.completion_requests[0].json["messages"][-1]["content"]
    assert "- review: a two-sentence review consistent with rating and product" in prompt
