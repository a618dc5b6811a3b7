"""llm mode as a demanding user runs it: each test is a bug found by hand against the fake servers (real SDKs,
HTTP on 127.0.0.1), kept so it stays fixed."""

from __future__ import annotations

import itertools
import json
import threading
import time

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.errors import BudgetExceeded, Interrupted, ProviderError
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from agentic_synth.entrypoints.cli.estimate import estimate
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.e2e.ai_stack_helpers import SCHEMA, Writer, asked
from tests.servers.base import approx_tokens
from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply, prompt_text
from tests.servers.realistic import Profile, RealisticModelServer


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def asked_of(request) -> int:
    return asked(prompt_text(request)) or 0


def _synth(server: FakeOpenAIServer, **provider) -> AgenticSynth:
    return AgenticSynth(container=build_container(load_plugins=False, providers={
        "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 2, **provider}}))


class PythonLiterals:
    """A model that answers in Python literals (single quotes, True/None), as real models sometimes do."""

    def __init__(self) -> None:
        self.next_id = 1

    def __call__(self, request) -> str:
        wanted = asked(prompt_text(request)) or 1
        rows = [{"id": self.next_id + i, "title": "It's fine.", "stars": 4} for i in range(wanted)]
        self.next_id += wanted
        return repr({"records": rows})


def test_streamed_replies_in_python_literals_are_read_as_leniently_as_whole_ones():
    # Found by hand: with --stream (stream_replies) every record of a Python-literal reply was dropped as
    # invalid, while the same reply without streaming kept them all (the streaming reader had no repair).
    calls = {}
    for stream in (False, True):
        with FakeOpenAIServer(responder=PythonLiterals()) as server:
            result = _synth(server).generate("structured", schema=SCHEMA, count=30, model="m", seed=1,
                                             stream_replies=stream, cache_policy="none")
            sent = server.completion_requests
        assert all(bool(r.json.get("stream")) is stream for r in sent)
        assert len(result.records) == 30 and result.metadata.dropped == 0, (stream, result.metadata.notes)
        calls[stream] = len(sent)
        assert all(validate_record(r, Schema.from_payload(SCHEMA)) == [] for r in result.records)
        assert len({r["id"] for r in result.records}) == 30
    assert calls[True] == calls[False] == 1  # nothing was asked again


def test_a_plan_reply_without_the_fields_says_the_engines_defaults_were_kept():
    # Found by hand: a time-series run whose model answered prose had the single note "hybrid plan: 1 model
    # calls", nothing about the field the model was asked to plan; the docs promise a note per field.
    with FakeOpenAIServer(text="Sure! CPU load usually hovers around 40%.") as server:
        result = _synth(server).generate("timeseries", schema={"load": {"type": "number"}}, count=50, model="m",
                                         mode="hybrid", prompt="cpu load", seed=2, cache_policy="none")
        assert len(server.completion_requests) == 1
    notes = result.metadata.notes
    assert "hybrid plan: 1 model call" in notes
    assert "load: the model proposed no series; the engine's default is kept" in notes
    assert len(result.records) == 50 and result.metadata.plan == {}


def test_an_events_plan_without_a_rate_says_the_default_rate_was_kept():
    with FakeOpenAIServer(text="Clicks come in bursts.") as server:
        result = _synth(server).generate("events", count=40, model="m", mode="llm", prompt="web shop clicks",
                                         seed=2, cache_policy="none")
    assert "rate: the model proposed no usable rate; the engine's default is kept" in result.metadata.notes
    assert len(result.records) == 40


def _cli(container, capsys, *args) -> tuple[int, str, str]:
    code = main(list(args), container=container)
    out, err = capsys.readouterr()
    return code, out, err


def _worst_case_of(request, prices: tuple[float, float]) -> float:
    """What a budget must reserve for a request as the server received it: every byte of the messages and of the
    reply schema a token (plus 16 of framing), and the whole max_tokens of output."""
    body = request.json
    sent = sum(len(m["content"].encode()) for m in body["messages"])
    sent += len(json.dumps(body["response_format"]["json_schema"]["schema"], separators=(",", ":")).encode())
    return ((sent + 16) * prices[0] + body["max_tokens"] * prices[1]) / 1e6


def test_estimate_prices_the_calls_the_run_really_makes(tmp_path, capsys):
    # Found by hand: `estimate` said "batches of 20" and "worst call $0.0181 (a budget reserves this before each
    # call)" while the run asked 50 records a call with anchor lines and an 8,192-token allowance, and the budget
    # reserved $0.0417 a call; tokens in were a third of the real ones.
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    prices = (1.0, 4.0)
    with FakeOpenAIServer(responder=Writer()) as server:
        container = build_container(load_plugins=False, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 2}},
            models={"catalog": {"m": {"provider": "local", "inputPerMTok": prices[0], "outputPerMTok": prices[1]}}})
        code, out, err = _cli(container, capsys, "estimate", "structured", "-s", str(schema), "-n", "300",
                              "--model", "m", "--json")
        assert code == 0, err
        est = json.loads(out)
        assert server.completion_requests == []
        report = tmp_path / "report.json"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", str(schema), "-n", "300", "--model",
                            "m", "--seed", "0", "-o", str(tmp_path / "out.jsonl"), "--report", str(report),
                            "--cache-policy", "none")
        assert code == 0, err
        sent = server.completion_requests
    meta = json.loads(report.read_text())
    assert est["batchSize"] == asked(prompt_text(sent[0]))
    assert est["calls"][0] <= len(sent) <= est["calls"][1]
    assert meta["tokens_in"] <= est["tokensIn"][1] <= 2 * meta["tokens_in"]  # the fake counts 4 characters a token
    assert meta["cost_usd"] <= est["costUsd"][1]  # this fake writes shorter records than the engine's sample
    worst = max(_worst_case_of(r, prices) for r in sent)
    assert worst * 0.95 <= est["worstCallUsd"] <= worst * 1.05, (est["worstCallUsd"], worst)


def test_estimate_of_a_time_series_in_llm_mode_counts_the_one_plan_call():
    with FakeOpenAIServer(text="{}") as server:
        container = build_container(load_plugins=False, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"]}})
        result, _ = estimate(AgenticSynth(container=container), AgenticSynth(container=container).request(
            "timeseries", count=5000, seed=0), schema=None, mode="llm", routing=RunRouting(), model="m")
    assert result.calls == (1, 1) and result.mode == "hybrid"


def _billed(server: RealisticModelServer, prices: tuple[float, float]) -> float:
    """What the fake billed: the usage of every reply it sent (this one honours max_tokens, as providers do)."""
    total = 0.0
    for request in server.completion_requests:
        total += approx_tokens(prompt_text(request)) * prices[0]
    return (total + server.completion_tokens_sent * prices[1]) / 1e6


class BilledServer(RealisticModelServer):
    """The realistic fake, counting the completion tokens it reported."""

    completion_tokens_sent = 0

    def completion_reply(self, req, text, **kw):
        tokens = kw.get("completion_tokens")
        self.completion_tokens_sent += approx_tokens(text) if tokens is None else tokens
        return super().completion_reply(req, text, **kw)


def test_a_budget_a_little_above_the_runs_cost_is_spent_not_left_unused():
    # Found by hand: a run that costs $0.113 stopped at 223 of 300 records under --budget 0.115, with $0.035 left:
    # every call reserved its full 8,192-token allowance ($0.041) though it asked for 50 records (~3,500 tokens).
    # Near the cap a call now gets the allowance that fits; the budget still caps what the server bills.
    prices = (1.0, 4.0)
    schema = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**7}, "name": "name",
              "plan": {"type": "enum", "enum": ["free", "pro", "team"]}, "bio": "sentence"}
    profile = Profile(base_latency=0.01, per_record_latency=0.0, empty=0.0, throttle=0.0)
    models = {"catalog": {"m": {"provider": "local", "inputPerMTok": prices[0], "outputPerMTok": prices[1]}}}
    with BilledServer(profile) as server:
        synth = AgenticSynth(container=build_container(load_plugins=False, models=models, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 4}}))
        full = synth.generate("structured", schema=schema, count=300, model="m", seed=3, cache_policy="none")
        assert full.metadata.cost_usd == pytest.approx(_billed(server, prices))
    budget = round(full.metadata.cost_usd * 1.1, 4)
    with BilledServer(profile) as server:
        synth = AgenticSynth(container=build_container(load_plugins=False, models=models, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 4}}))
        try:
            meta = synth.generate("structured", schema=schema, count=300, model="m", seed=3, cache_policy="none",
                                  budget=budget).metadata
        except BudgetExceeded as error:
            meta = error.metadata
            assert meta.cost_usd >= 0.85 * budget  # stopped near the cap, not a whole allowance short of it
        billed = _billed(server, prices)
    assert billed <= budget and meta.cost_usd == pytest.approx(billed)
    assert meta.records >= 285


def test_records_beyond_the_count_are_counted_from_every_reply_that_arrived():
    # Found by hand: the note "N records beyond the count were not used" said 10 on a run and 3 on its replay
    # from the cache: replies that had arrived out of order when the count was met were never counted.
    lock, next_id = threading.Lock(), itertools.count(1)

    def over_deliver(request) -> str:  # 15 records whatever is asked; the last call answers first
        prompt = prompt_text(request)
        if "batch 3;" not in prompt:
            time.sleep(0.4)
        with lock:
            rows = [{"id": next(next_id), "title": "Good value.", "stars": 4} for _ in range(15)]
        return json.dumps({"records": rows})

    with FakeOpenAIServer(responder=over_deliver) as server:
        result = _synth(server, maxConcurrency=4).generate("structured", schema=SCHEMA, count=25, model="m",
                                                           seed=1, batch_size=10, cache_policy="none")
        assert len(server.completion_requests) == 3  # 10 + 10 + 10 asked for 25
    assert len(result.records) == 25
    assert "20 records beyond the count were not used" in result.metadata.notes  # 45 returned, 25 used


class Down(FakeOpenAIServer):
    """A server whose every completion is a 503."""

    def route(self, req):
        if req.path.endswith("/chat/completions"):
            return openai_error_reply(503)
        return super().route(req)


def test_a_model_that_only_fails_is_reported_with_its_error_not_only_its_open_circuit():
    # Found by hand: `--model down-model` against a server answering 503 ended with "every model failed:
    # down-model: skipped, circuit open after 3 consecutive failures (retry in 30s)": the 503 was never named.
    with Down() as server, pytest.raises(ProviderError) as stopped:
        _synth(server, maxConcurrency=8, maxRetries=0).generate("structured", schema=SCHEMA, count=200,
                                                                model="m", seed=1, cache_policy="none")
    assert "server error (503)" in str(stopped.value), str(stopped.value)
    assert stopped.value.metadata.records == 0


def test_a_replay_from_the_cache_is_the_same_records_at_no_cost_and_no_calls(tmp_path):
    # docs/cache.md and routing-and-cost.md: a cache hit is no call; the replay shows "calls": 0 and the hits.
    with RealisticModelServer(Profile(base_latency=0.01, per_record_latency=0.0)) as server:
        container = build_container(load_plugins=False, cache={"persistPath": str(tmp_path)}, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 4}})
        runs = [AgenticSynth(container=container).generate("structured", schema=SCHEMA, count=120, model="m", seed=8)
                for _ in range(2)]
        sent = len(server.completion_requests)
    first, replay = (r.metadata for r in runs)
    assert runs[0].records == runs[1].records and len(runs[1].records) == 120
    assert first.calls == sent and first.cache_misses == sent and first.cache_hits == 0
    assert (replay.calls, replay.cost_usd, replay.cache_hits, replay.cache_misses) == (0, 0.0, sent, 0)
    assert replay.models["m"].calls == 0 and replay.models["m"].records == 120
    assert replay.notes == first.notes


def test_a_placeholder_key_of_a_local_server_does_not_mangle_the_messages(tmp_path, capsys):
    # Found by hand: with Ollama's documented placeholder key "ollama" the notice read "via ***"; a test key "k"
    # gave "falling bac*** to the next model" and "9,465 to***ens in". Real keys are still masked.
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    with FakeOpenAIServer(responder=Writer()) as server:
        container = build_container(load_plugins=False, providers={
            "ollama": {"baseUrl": server.url + "/v1", "models": ["llama3.1:8b"], "apiKey": "ollama"}})
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", str(schema), "-n", "20", "--model",
                            "llama3.1:8b", "-o", str(tmp_path / "out.jsonl"), "--cache-policy", "none")
        assert code == 0, err
        assert server.completion_requests[0].header("authorization") == "Bearer ollama"
    assert "mode llm, model llama3.1:8b via ollama" in err and "***" not in err
    assert "tokens in" in err


@pytest.mark.parametrize("stream", [False, True])
def test_an_interrupt_between_chunks_still_writes_what_the_calls_in_flight_bring(tmp_path, stream):
    # Found by hand: Ctrl-C during `--stream` ended with "8 calls in flight ... 8 came back (their cost is counted)"
    # and 9 records written: the interrupt landed while a chunk was written, outside the work queue, so the
    # replies that came back in the grace were paid for and dropped. (The progress callback raising here is that
    # interrupt, at the same place.)
    writer = Writer()

    def slow(request) -> str:
        time.sleep(0.3)
        return writer(request)

    fired: list[int] = []

    def progress(n: int) -> None:
        if not fired:
            fired.append(n)
            raise KeyboardInterrupt

    out = tmp_path / "o.jsonl"
    with FakeOpenAIServer(responder=slow) as server:
        with pytest.raises(Interrupted) as stopped:
            _synth(server, maxConcurrency=4).generate("structured", schema=SCHEMA, count=400, model="m", seed=1,
                                                      batch_size=10, output=str(out), cache_policy="none",
                                                      progress=progress, stream_replies=stream)
        asked = sum(asked_of(r) for r in server.completion_requests)
    meta = stopped.value.metadata
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert meta.calls == len(server.completion_requests) > 1
    assert meta.records == len(rows) == asked  # every reply that came back (all valid and new) is written
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_a_run_that_stops_having_made_no_record_leaves_no_file(tmp_path, capsys, fmt):
    # Found by hand: a model whose every record broke the schema ended in exit 5 with an empty out.jsonl (and a
    # `[]` JSON file, a header-only CSV) beside "wrote 0 structured records"; exit 3 said "no output written".
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    off_schema = json.dumps({"records": [{"id": "x", "title": 5, "stars": 99}] * 10})
    with FakeOpenAIServer(text=off_schema) as server:
        container = build_container(load_plugins=False, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 2}})
        out = tmp_path / f"out.{fmt}"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", str(schema), "-n", "20", "--model",
                            "m", "-o", str(out), "--cache-policy", "none")
        assert len(server.completion_requests) >= 8  # the no-progress window
    assert code == 5 and "error: no progress" in err, err
    assert "no output written (structured, " in err and "wrote 0" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema.json"]
