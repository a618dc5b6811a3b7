"""The llm mode: sizing calls by yield, validation, deduplication, stop rules and what is kept when calls fail."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time

import attrs
import pytest

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.application.llm import LLMRecords
from agentic_synth.application.prompts import batch_size, records_prompt
from agentic_synth.application.usage import UsageTally
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.errors import BudgetExceeded, IncompleteGeneration, ProviderError
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from tests.fakes import FakeClock, FakeTextModel, records_reply

SCHEMA = Schema.from_payload({"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6},
                              "review": "sentence", "rating": {"type": "integer", "min": 1, "max": 5}})


def _request(count, **ai):
    return GenerationRequest(kind="structured", schema=SCHEMA, count=count, seed=5,
                             mode="llm", ai=AISettings(model="gemini-2.0-flash", **ai))


def _asked(prompt: str) -> int:
    return int(re.search(r"Generate (\d+) distinct", prompt).group(1))


def _batch(request) -> int:
    return int(re.search(r"This is batch (\d+);", request.prompt).group(1)) - 1


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


def _run(model, request, clock=None):
    tally = UsageTally()
    rows = [row for chunk in LLMRecords(model, tally, clock or FakeClock()).chunks(request) for row in chunk.rows()]
    return rows, tally


def _run_until_stopped(model, request, error=IncompleteGeneration, clock=None):
    tally, rows = UsageTally(), []
    with pytest.raises(error) as caught:
        for chunk in LLMRecords(model, tally, clock or FakeClock()).chunks(request):
            rows.extend(chunk.rows())
    return rows, tally, caught.value


def test_records_are_asked_in_calls_and_every_kept_record_is_valid_and_in_schema_order():
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
    assert tally.distinct == {"id": 1.0, "review": round(1 / 95, 4), "rating": round(1 / 95, 4)}


def test_invalid_and_duplicate_records_are_dropped_counted_and_the_shortfall_asked_again():
    def spoil(rows):
        rows[0]["rating"] = 9  # breaks the schema
        rows[1] = dict(rows[2])  # an exact duplicate
        return rows

    model = FakeTextModel([Writer(spoil)], default=Writer(lambda rows: [{**r, "id": r["id"] + 1000} for r in rows]))
    rows, tally = _run(model, _request(10, batch_size=10))
    assert len(rows) == 10 and len({r["id"] for r in rows}) == 10
    assert (tally.invalid, tally.duplicates) == (1, 1)
    assert [_asked(r.prompt) for r in model.requests] == [10, 10]  # 2 missing: never fewer than 10 a call
    assert "do not reuse" not in model.requests[1].prompt  # no growing blacklist of values


def test_a_model_that_brings_half_of_what_it_is_asked_for_is_asked_for_more_than_the_shortfall():
    model = FakeTextModel(default=Writer(lambda rows: rows[: len(rows) // 2]))
    rows, _ = _run(model, _request(100, batch_size=50, concurrency=1))
    asks = [_asked(r.prompt) for r in model.requests]
    assert len(rows) == 100 and asks[:2] == [50, 50]
    # after the first calls' halves, what is still missing is asked for at the yield seen (and a margin), not 1:1
    assert sum(asks) >= 2 * 100 - 10 and len(asks) <= 7


def test_a_unique_field_duplicate_across_calls_is_suppressed():
    model = FakeTextModel([records_reply([{"id": 1, "review": "a", "rating": 1},
                                          {"id": 2, "review": "b", "rating": 2}]),
                           records_reply([{"id": 2, "review": "other", "rating": 3}]),
                           records_reply([{"id": 3, "review": "c", "rating": 3}])])
    rows, tally = _run(model, _request(3, batch_size=2, concurrency=1))
    assert [r["id"] for r in rows] == [1, 2, 3] and tally.duplicates == 1


def test_more_records_than_asked_are_cut_to_the_count():
    model = FakeTextModel(default=Writer(lambda rows: [*rows, {"id": 999_999, "review": "x", "rating": 1}]))
    rows, tally = _run(model, _request(4, batch_size=4))
    assert len(rows) == 4 and model.calls == 1 and tally.notes == ["1 record beyond the count was not used"]


def test_a_model_that_adds_one_record_a_call_keeps_being_asked_until_the_count_is_met():
    model = FakeTextModel(default=Writer(lambda rows: rows[:1]))
    rows, _ = _run(model, _request(30, batch_size=50, concurrency=3))
    assert len(rows) == 30 and len({r["id"] for r in rows}) == 30
    assert 30 <= model.calls <= 30 + 3 + 4 * 3  # one record a call, plus at most the calls decided ahead


def test_the_call_limit_stops_the_run_keeping_what_was_valid_and_saying_what_to_change():
    model = FakeTextModel(default=Writer(lambda rows: rows[:1]))
    rows, _, stop = _run_until_stopped(model, _request(10, batch_size=5, concurrency=2, max_calls=3))
    assert len(rows) == 3 and model.calls == 3 and stop.keeps_records
    assert str(stop).startswith("stopped at the call limit (3 calls, --max-calls or llm.maxCalls): 3 of 10 records")
    assert "raise the limit" in str(stop)


def test_the_time_limit_starts_no_more_calls_and_counts_the_calls_in_flight_that_come_back_within_the_grace():
    writer = Writer(lambda rows: rows[:1])

    def slow(request):
        time.sleep(0.15)
        return writer(request)

    model = FakeTextModel(default=slow, cost_usd=0.001)
    started = time.monotonic()
    rows, tally, stop = _run_until_stopped(model, _request(100, concurrency=2, timeout_s=0.4), clock=SystemClock())
    # the limit, then at most the grace (1 s) for the calls in flight: more means it waited for calls it should not
    # have started (slack for a loaded machine, whose 0.15 s sleeps run long)
    assert time.monotonic() - started < 2.4 and str(stop).startswith("stopped at the time limit (0.4s, --timeout")
    usage = tally.snapshot()["gemini-2.0-flash"]
    assert usage.calls == model.calls and usage.cost_usd == pytest.approx(0.001 * model.calls)  # every call sent
    assert len(rows) == usage.records == model.calls  # one new record a call, the last ones' too
    assert any(re.fullmatch(r"the run ended with 2 calls in flight and waited 0\.\ds for them: 2 came back \(their "
                            r"cost is counted\)", n) for n in tally.notes), tally.notes  # within a call's 0.15 s


def test_calls_still_out_after_the_grace_are_named_in_the_notes_as_not_counted():
    release = threading.Event()
    writer = Writer(lambda rows: rows[:1])
    answered = itertools.count()

    def stalls(request):
        if next(answered) >= 2:
            release.wait(10)  # the provider keeps these calls (and will bill them)
        return writer(request)

    model = FakeTextModel(default=stalls)
    started = time.monotonic()
    try:
        rows, tally, _ = _run_until_stopped(model, _request(100, concurrency=2, timeout_s=0.2), clock=SystemClock())
    finally:
        release.set()
    assert 1.0 <= time.monotonic() - started < 2.5 and len(rows) == 2
    assert tally.snapshot()["gemini-2.0-flash"].calls == 2 and model.calls == 4
    assert ("the run ended with 2 calls in flight and waited 1s for them: 0 came back (their cost is counted), 2 did "
            "not (a provider may still bill them; the spend shown counts them at their worst case)"
            ) in tally.notes  # the grace


def test_replies_without_any_valid_record_stop_the_run_as_no_progress_after_the_window():
    model = FakeTextModel(default="Sorry, I can't do that.")
    _, _, stop = _run_until_stopped(model, _request(10, batch_size=5, concurrency=2, progress_window=4))
    assert str(stop).startswith("no progress: the last 4 calls added 0 new valid records of ")
    assert "0 of 10 records written" in str(stop) and "--model" in str(stop)
    assert 4 <= model.calls <= 4 + 2


def test_a_rejected_key_stops_the_run_and_keeps_what_was_already_valid():
    denied = ProviderError("gemini: API key rejected (401)", provider="gemini", status=401)
    model = FakeTextModel([Writer(), denied], default=Writer())
    rows, _, stop = _run_until_stopped(model, _request(20, batch_size=5, concurrency=1), ProviderError)
    assert str(stop) == "gemini: API key rejected (401); 5 of 20 records were written"
    assert len(rows) == 5 and stop.keeps_records


def test_when_every_call_fails_the_provider_error_itself_is_raised_after_the_window():
    down = ProviderError("gemini: server error (503)", provider="gemini", status=503, retryable=True)
    model = FakeTextModel(default=lambda _: (_ for _ in ()).throw(down))
    _, tally, stop = _run_until_stopped(model, _request(6, batch_size=3, concurrency=2, progress_window=3),
                                        ProviderError)
    assert "server error (503)" in str(stop) and "the last 3 calls failed" in str(stop)
    assert not getattr(stop, "keeps_records", False)
    assert 3 <= tally.snapshot()["gemini-2.0-flash"].failures <= 3 + 2


def test_streaming_yields_records_as_each_one_completes():
    model = FakeTextModel(default=Writer(), stream_parts=40)
    chunks = list(LLMRecords(model, UsageTally(), FakeClock()).chunks(_request(6, batch_size=6, stream=True)))
    assert sum(c.length for c in chunks) == 6 and len(chunks) > 1  # several chunks from one reply


def test_batches_are_sized_from_the_record_size_and_the_output_limit():
    small = Schema.from_payload({"a": "integer"})
    large = Schema.from_payload({"a": "paragraph", "b": "paragraph", "c": "paragraph"})
    assert batch_size(small, 8192) == 50 and batch_size(large, 8192) < 25 and batch_size(large, 100) == 1
    assert batch_size(large, 8192, asked=7) == 7


def test_a_reply_cut_at_the_output_limit_makes_the_next_calls_ask_for_fewer_records():
    cut = records_reply([{"id": i, "review": "Fine.", "rating": 3} for i in range(1, 11)])[:-40]  # 9 whole records
    model = FakeTextModel([cut], default=Writer(lambda rows: [{**r, "id": r["id"] + 500} for r in rows]))
    model.finish_reason = "length"
    rows, _ = _run(model, _request(40, concurrency=1))
    asks = [_asked(r.prompt) for r in model.requests]
    assert len(rows) == 40 and asks[0] == 40 and max(asks[1:]) <= 7  # 9 fitted; from then on at most 80 % of that


def test_the_prompt_carries_the_description_schema_examples_locale_and_anchors():
    request = GenerationRequest(kind="structured", schema=SCHEMA, count=3, seed=1, locale="de_DE")
    prompt = records_prompt(request, 2, description="hotel reviews", examples=[{"id": 1, "review": "Top", "rating": 5}],
                            anchors=[{"rating": 2}, {"rating": 5}])
    assert "hotel reviews" in prompt and json.dumps(SCHEMA.to_payload(), sort_keys=True) in prompt
    assert '{"id": 1, "review": "Top", "rating": 5}' in prompt and "de_DE" in prompt and "unique" in prompt
    assert '\n1. {"rating": 2}\n2. {"rating": 5}' in prompt


def test_records_come_out_in_call_order_whatever_order_the_calls_finish_in():
    """The same replies give the same output: a later call that answers first waits for the earlier ones."""
    first_may_answer = threading.Event()
    order = []

    def slow_first(request):
        if _batch(request) == 0:  # call 0 answers only after call 1 has answered
            assert first_may_answer.wait(5)
        else:
            first_may_answer.set()
        order.append(_batch(request))
        return records_reply([{"id": _batch(request) * 100 + i + 1, "review": "Fine.", "rating": 3} for i in range(3)])

    rows, _ = _run(FakeTextModel(default=slow_first), _request(6, batch_size=3, concurrency=2))
    assert order == [1, 0]  # call 1 finished first ...
    assert [r["id"] for r in rows] == [1, 2, 3, 101, 102, 103]  # ... and still came second


def test_what_each_call_asks_for_does_not_depend_on_which_reply_came_back_first():
    """Same replies, calls finishing in opposite orders: the same questions, the same records."""

    def run(latency_of):
        ids = {}

        def reply(request):
            time.sleep(latency_of(_batch(request)))
            n = max(1, _asked(request.prompt) // 2)  # an under-delivering model, deterministic per call
            base = _batch(request) * 1000
            ids[_batch(request)] = request.prompt
            return records_reply([{"id": base + i + 1, "review": "Fine.", "rating": 3} for i in range(n)])

        rows, _ = _run(FakeTextModel(default=reply), _request(60, batch_size=10, concurrency=4))
        return rows, ids

    fast_first, slow_first = run(lambda b: 0.001 * b), run(lambda b: 0.02 / (b + 1))
    assert fast_first[0] == slow_first[0]
    common = set(fast_first[1]) & set(slow_first[1])
    assert all(fast_first[1][b] == slow_first[1][b] for b in common) and len(common) >= 10


def test_a_budget_stop_ends_the_run_as_a_budget_stop_keeping_the_records_before_it():
    refused = BudgetExceeded.stopped(spent=0.01, limit=0.02, next_call=0.015)
    model = FakeTextModel([records_reply([{"id": 1, "review": "Fine.", "rating": 3},
                                          {"id": 2, "review": "Fine.", "rating": 3}]), refused],
                          default=Writer())
    rows, tally, stop = _run_until_stopped(model, _request(6, batch_size=2, concurrency=1), BudgetExceeded)
    assert stop is refused and [r["id"] for r in rows] == [1, 2]
    assert model.calls == 2  # nothing more is started after the refusal
    assert tally.snapshot()["gemini-2.0-flash"].failures == 0  # a refusal is not a failure of the model


def test_a_schema_with_its_keys_in_another_order_asks_the_same_question():
    """Prompt, JSON schema and plan targets are rendered in canonical field order (so the cache hits)."""
    from agentic_synth.application.plans import targets
    from agentic_synth.application.prompts import records_json_schema

    reordered = Schema.from_payload({"rating": {"max": 5, "min": 1, "type": "integer"}, "review": "sentence",
                                     "id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}})
    one, other = _request(10), attrs.evolve(_request(10), schema=reordered)
    assert records_prompt(one, 5, anchors=[{"rating": 1}]) == records_prompt(other, 5, anchors=[{"rating": 1}])
    assert records_json_schema(SCHEMA) == records_json_schema(reordered)
    assert [t.path for t in targets(one)] == [t.path for t in targets(other)]
    assert reordered.names == ("rating", "review", "id")  # the records themselves keep the user's column order


def test_a_fatal_error_of_an_early_call_keeps_the_records_later_calls_already_brought():
    later_answered = threading.Event()

    def reply(request):
        if _batch(request) == 0:  # call 0 fails, but only after call 1 has answered
            assert later_answered.wait(5)
            raise ProviderError("openrouter: API key rejected (401)", provider="openrouter", status=401)
        later_answered.set()
        return records_reply([{"id": 60 + i, "review": "Fine.", "rating": 3} for i in range(2)])

    rows, _, _ = _run_until_stopped(FakeTextModel(default=reply), _request(4, batch_size=2, concurrency=2),
                                    ProviderError)
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


def test_a_slow_call_does_not_keep_the_calls_decided_after_it_from_running():
    """Decisions need results in call order, but the calls already decided (up to 4 per slot ahead) run
    while an earlier one is slow: no round waits for its slowest call."""
    others_done = threading.Semaphore(0)
    writer = Writer(lambda rows: rows[:2])  # an under-delivering model: the run needs many calls

    def reply(request):
        if _batch(request) == 5:
            for _ in range(7):  # call 5 answers only after seven later calls have (4 a slot are decided ahead)
                assert others_done.acquire(timeout=5)
        text = writer(request)
        if _batch(request) > 5:
            others_done.release()
        return text

    rows, _ = _run(FakeTextModel(default=reply), _request(100, batch_size=10, concurrency=2))
    assert len(rows) == 100 and len({r["id"] for r in rows}) == 100
