"""llm mode as a demanding user runs it: each test is a bug found by hand against the fake servers (real SDKs,
HTTP on 127.0.0.1), kept so it stays fixed."""

from __future__ import annotations

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from agentic_synth.entrypoints.container import build_container
from tests.e2e.ai_stack_helpers import SCHEMA, asked
from tests.servers.openai_fake import FakeOpenAIServer, prompt_text


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)


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
