"""The llm mode: batching, validation, deduplication, re-requests and what is kept when calls fail."""

from __future__ import annotations

import itertools
import json
import queue
import re
import threading

import attrs
import pytest

from agentic_synth.application.llm import BATCH_DONE, LLMRecords, in_batch_order
from agentic_synth.application.prompts import batch_size, records_prompt
from agentic_synth.application.usage import UsageTally
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.errors import BudgetExceeded, IncompleteGeneration, ProviderError
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from tests.fakes import FakeTextModel, records_reply

SCHEMA = Schema.from_payload({"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6},
                              "review": "sentence", "rating": {"type": "integer", "min": 1, "max": 5}})


def _request(count, **ai):
    return GenerationRequest(kind="structured", schema=SCHEMA, count=count, seed=5,
                             mode="llm", ai=AISettings(model="gemini-2.0-flash", **ai))


def _asked(prompt: str) -> int:
    return int(re.search(r"Generate (\d+) distinct", prompt).group(1))


class Writer:
    """Answers each call with as many valid records as asked (unique ids), or a scripted twist."""

    def __init__(self, twist=None):
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.twist = twist

    def __call__(self, request):
        with self.lock:
            rows = [{"id": next(self.ids), "review": "Works well.", "rating": 4} for _ in range(_asked(request.prompt))]
        return records_reply(self.twist(rows) if self.twist else rows)


def _run(model, request):
    tally = UsageTally()
    rows = [row for chunk in LLMRecords(model, tally).chunks(request) for row in chunk.rows()]
    return rows, tally


def test_records_are_asked_in_batches_and_every_kept_record_is_valid_and_in_schema_order():
    model = FakeTextModel(default=Writer())
    rows, tally = _run(model, _request(95, batch_size=20))
    assert len(rows) == 95 and all(validate_record(r, SCHEMA) == [] for r in rows)
    assert [list(r) for r in rows[:1]] == [["id", "review", "rating"]]
    assert sorted(_asked(r.prompt) for r in model.requests) == [15, 20, 20, 20, 20]
    usage = tally.snapshot()["gemini-2.0-flash"]
    assert (usage.calls, usage.records) == (5, 95) and usage.tokens_in > 0 and usage.tokens_out > 0
    first = model.requests[0]
    assert first.json_schema["properties"]["records"]["items"]["required"] == ["id", "rating", "review"]  # canonical
    assert len({r.seed for r in model.requests}) == 5 and first.purpose == "records"


def test_invalid_and_duplicate_records_are_dropped_counted_and_the_shortfall_asked_again():
    def spoil(rows):
        rows[0]["rating"] = 9  # breaks the schema
        rows[1] = dict(rows[2])  # an exact duplicate
        return rows

    model = FakeTextModel([Writer(spoil)], default=Writer(lambda rows: [{**r, "id": r["id"] + 1000} for r in rows]))
    rows, tally = _run(model, _request(10, batch_size=10))
    assert len(rows) == 10 and len({r["id"] for r in rows}) == 10
    assert (tally.invalid, tally.duplicates) == (1, 1)
    assert [_asked(r.prompt) for r in model.requests] == [10, 2]
    assert "do not reuse" in model.requests[1].prompt  # the second round names the ids already used


def test_a_unique_field_duplicate_across_batches_is_suppressed():
    model = FakeTextModel([records_reply([{"id": 1, "review": "a", "rating": 1},
                                          {"id": 2, "review": "b", "rating": 2}]),
                           records_reply([{"id": 2, "review": "other", "rating": 3}]),
                           records_reply([{"id": 3, "review": "c", "rating": 3}])])
    rows, tally = _run(model, _request(3, batch_size=2, concurrency=1))
    assert [r["id"] for r in rows] == [1, 2, 3] and tally.duplicates == 1


def test_more_records_than_asked_are_cut_to_the_count():
    model = FakeTextModel(default=Writer(lambda rows: rows * 1 + [{"id": 999_999, "review": "x", "rating": 1}]))
    rows, tally = _run(model, _request(4, batch_size=4))
    assert len(rows) == 4 and model.calls == 1 and tally.notes == ["1 records beyond the count were not used"]


def test_when_the_retry_cap_is_hit_the_valid_records_are_kept_and_the_error_says_how_many_are_missing():
    model = FakeTextModel(default=Writer(lambda rows: rows[:1]))
    request = _request(10, batch_size=5, max_rounds=2)
    tally = UsageTally()
    rows = []
    with pytest.raises(IncompleteGeneration, match=r"^6 of 10 records missing after 2 rounds") as caught:
        for chunk in LLMRecords(model, tally).chunks(request):
            rows.extend(chunk.rows())
    assert len(rows) == 4 and caught.value.keeps_records and model.calls == 2 + 2


def test_a_reply_without_any_valid_record_stops_asking_after_that_round():
    model = FakeTextModel(default="Sorry, I can't do that.")
    with pytest.raises(IncompleteGeneration, match="10 of 10 records missing after 1 rounds"):
        _run(model, _request(10, batch_size=5))
    assert model.calls == 2


def test_a_rejected_key_stops_the_run_and_keeps_what_was_already_valid():
    denied = ProviderError("gemini: API key rejected (401)", provider="gemini", status=401)
    model = FakeTextModel([Writer(), denied], default=Writer())
    rows = []
    with pytest.raises(ProviderError, match=r"^gemini: API key rejected \(401\); 5 of 20 records were written$") as e:
        for chunk in LLMRecords(model, UsageTally()).chunks(_request(20, batch_size=5, concurrency=1)):
            rows.extend(chunk.rows())
    assert len(rows) == 5 and e.value.keeps_records


def test_when_every_call_fails_the_provider_error_itself_is_raised():
    down = ProviderError("gemini: server error (503)", provider="gemini", status=503, retryable=True)
    model = FakeTextModel(default=lambda _: (_ for _ in ()).throw(down))
    tally = UsageTally()
    with pytest.raises(ProviderError, match="server error") as caught:
        list(LLMRecords(model, tally).chunks(_request(6, batch_size=3)))
    assert not getattr(caught.value, "keeps_records", False)
    assert tally.snapshot()["gemini-2.0-flash"].failures == 2


def test_streaming_yields_records_as_each_one_completes():
    model = FakeTextModel(default=Writer(), stream_parts=40)
    chunks = list(LLMRecords(model, UsageTally()).chunks(_request(6, batch_size=6, stream=True)))
    assert sum(c.length for c in chunks) == 6 and len(chunks) > 1  # several chunks from one reply


def test_batches_are_sized_from_the_record_size_and_the_output_limit():
    small = Schema.from_payload({"a": "integer"})
    large = Schema.from_payload({"a": "paragraph", "b": "paragraph", "c": "paragraph"})
    assert batch_size(small, 8192) == 50 and batch_size(large, 8192) < 25 and batch_size(large, 100) == 1
    assert batch_size(large, 8192, asked=7) == 7


def test_the_prompt_carries_the_description_schema_examples_and_locale():
    request = GenerationRequest(kind="structured", schema=SCHEMA, count=3, seed=1, locale="de_DE")
    prompt = records_prompt(request, 3, description="hotel reviews", examples=[{"id": 1, "review": "Top", "rating": 5}])
    assert "hotel reviews" in prompt and json.dumps(SCHEMA.to_payload(), sort_keys=True) in prompt
    assert '{"id": 1, "review": "Top", "rating": 5}' in prompt and "de_DE" in prompt and "unique" in prompt


def test_records_come_out_in_batch_order_whatever_order_the_calls_finish_in():
    """The same replies give the same output: a later batch that answers first waits for the earlier ones."""
    first_may_answer = threading.Event()

    order = []

    def slow_first(request):
        seed = request.seed
        if seed == 5:  # batch 0 (seed + batch number) answers only after batch 1 has answered
            assert first_may_answer.wait(5)
        else:
            first_may_answer.set()
        order.append(seed)
        return records_reply([{"id": seed * 100 + i, "review": "Fine.", "rating": 3} for i in range(3)])

    rows, _ = _run(FakeTextModel(default=slow_first), _request(6, batch_size=3, concurrency=2))
    assert order == [6, 5]  # batch 1 finished first ...
    assert [r["id"] for r in rows] == [500, 501, 502, 600, 601, 602]  # ... and still came second


def test_a_budget_stop_ends_the_run_as_a_budget_stop_keeping_the_records_before_it():
    refused = BudgetExceeded.stopped(spent=0.01, limit=0.02, next_call=0.015)
    model = FakeTextModel([records_reply([{"id": 1, "review": "Fine.", "rating": 3},
                                          {"id": 2, "review": "Fine.", "rating": 3}]), refused],
                          default=Writer())
    tally = UsageTally()
    rows = []
    with pytest.raises(BudgetExceeded) as stop:
        for chunk in LLMRecords(model, tally).chunks(_request(6, batch_size=2, concurrency=1)):
            rows.extend(chunk.rows())
    assert stop.value is refused and [r["id"] for r in rows] == [1, 2]
    assert model.calls <= 3  # no second round asked for the shortfall
    assert tally.snapshot()["gemini-2.0-flash"].failures == 0  # a refusal is not a failure of the model


def test_in_batch_order_releases_a_later_batch_only_after_the_earlier_ones_are_done():
    inbox = queue.Queue()
    for item in [(1, "b1"), (2, "c1"), (1, BATCH_DONE), (0, "a1"), (0, "a2"), (2, BATCH_DONE), (0, BATCH_DONE)]:
        inbox.put(item)
    assert list(in_batch_order(inbox, 0, 3)) == ["a1", "a2", "b1", "c1"]


def test_a_schema_with_its_keys_in_another_order_asks_the_same_question():
    """Prompt, JSON schema and plan targets are rendered in canonical field order (so the cache hits)."""
    from agentic_synth.application.plans import targets
    from agentic_synth.application.prompts import records_json_schema

    reordered = Schema.from_payload({"rating": {"max": 5, "min": 1, "type": "integer"}, "review": "sentence",
                                     "id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}})
    one, other = _request(10), attrs.evolve(_request(10), schema=reordered)
    avoid = {"id": [1, 2]}
    assert records_prompt(one, 5, avoid=avoid) == records_prompt(other, 5, avoid=avoid)
    assert records_json_schema(SCHEMA) == records_json_schema(reordered)
    assert [t.path for t in targets(one)] == [t.path for t in targets(other)]
    assert reordered.names == ("rating", "review", "id")  # the records themselves keep the user's column order


def test_a_fatal_error_of_an_early_batch_keeps_the_records_later_batches_already_brought():
    later_answered = threading.Event()

    def reply(request):
        if request.seed == 5:  # batch 0 fails, but only after batch 1 has answered
            assert later_answered.wait(5)
            raise ProviderError("openrouter: API key rejected (401)", provider="openrouter", status=401)
        later_answered.set()
        return records_reply([{"id": request.seed * 10 + i, "review": "Fine.", "rating": 3} for i in range(2)])

    tally = UsageTally()
    rows = []
    with pytest.raises(ProviderError, match=r"API key rejected \(401\); 2 of 4 records were written"):
        for chunk in LLMRecords(FakeTextModel(default=reply), tally).chunks(_request(4, batch_size=2, concurrency=2)):
            rows.extend(chunk.rows())
    assert [r["id"] for r in rows] == [60, 61]


class PricedStream(FakeTextModel):
    """Streams like FakeTextModel; the last piece carries a price (as the budget layer puts it), or is a cache hit."""

    def __init__(self, *, cached: bool = False) -> None:
        super().__init__(default=Writer())
        self.cached = cached

    def stream(self, request):
        for delta in super().stream(request):
            yield attrs.evolve(delta, cost_usd=0.0 if self.cached else 0.25, cached=self.cached) if delta.done \
                else delta


@pytest.mark.parametrize(("cached", "calls", "cost"), [(False, 2, 0.5), (True, 0, 0.0)])
def test_streamed_calls_are_counted_with_their_cost_and_cache_hits_are_not_calls(cached, calls, cost):
    _, tally = _run(PricedStream(cached=cached), _request(6, batch_size=3, stream=True))
    usage = tally.snapshot()["gemini-2.0-flash"]
    assert (usage.calls, usage.cost_usd, usage.records) == (calls, cost, 6)
