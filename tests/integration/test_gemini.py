"""GeminiTextModel with the real google-generativeai SDK (REST) against the fake Gemini server."""

from __future__ import annotations

import json

import pytest

from agentic_synth.adapters.providers.gemini import GeminiTextModel, gemini_schema
from agentic_synth.adapters.providers.resilience import ResilientTextModel, RetryPolicy
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import ProviderError
from tests.fakes import FakeClock
from tests.servers.base import Reply
from tests.servers.gemini_fake import FakeGeminiServer

KEY = "gm-secret-key-456"
TEXT = json.dumps({"records": [{"name": "Ann", "age": 31}]})
SCHEMA = {"type": "object", "required": ["records"], "properties": {"records": {"type": "array", "items": {
    "type": "object", "required": ["name", "age"],
    "properties": {"name": {"type": "string", "minLength": 2}, "age": {"type": ["integer", "null"], "minimum": 0},
                   "plan": {"enum": ["free", "pro"]}, "score": {"enum": [1, 2]}}}}}}


@pytest.fixture
def server():
    with FakeGeminiServer(api_key=KEY, text=TEXT) as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def model(server):
    made = GeminiTextModel(api_key=KEY, base_url=server.url, timeout=2.0)
    yield made
    made.close()


def test_a_completion_posts_generate_content_with_the_key_header_and_json_settings(server, model):
    completion = model.complete(ModelRequest(prompt="make 1", model="gemini-2.0-flash", system="JSON only",
                                             json_schema=SCHEMA, temperature=0.3, max_output_tokens=500))
    assert json.loads(completion.text) == {"records": [{"name": "Ann", "age": 31}]}
    assert (completion.provider, completion.model, completion.finish_reason) == ("gemini", "gemini-2.0-flash", "STOP")
    assert completion.tokens_in > 0 and completion.tokens_out > 0
    sent = server.last_request
    assert sent.path == "/v1beta/models/gemini-2.0-flash:generateContent"
    assert sent.headers["x-goog-api-key"] == KEY
    config = sent.json["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert (config["temperature"], config["maxOutputTokens"]) == (0.3, 500)
    item = config["responseSchema"]["properties"]["records"]["items"]
    assert item["properties"]["age"] == {"type": 3, "nullable": True}  # INTEGER, nullable; minimum dropped
    assert item["properties"]["plan"]["enum"] == ["free", "pro"] and "enum" not in item["properties"]["score"]
    assert sent.json["systemInstruction"] == {"parts": [{"text": "JSON only"}]}


def test_the_schema_is_cut_to_the_subset_gemini_accepts():
    cut = gemini_schema({"type": "string", "format": "email", "pattern": "x", "description": "d"})
    assert cut == {"type": "string", "description": "d"}
    assert gemini_schema({"type": "string", "format": "date-time"})["format"] == "date-time"


def test_a_server_that_rejects_the_response_schema_gets_plain_text(server, model):
    server.push_error(400, "Invalid JSON payload: responseSchema")
    completion = model.complete(ModelRequest(prompt="p", model="gemini-2.0-flash", json_schema=SCHEMA))
    assert json.loads(completion.text)["records"]
    first, second = server.generate_requests
    assert "responseSchema" in first.json["generationConfig"]
    assert "responseMimeType" not in second.json.get("generationConfig", {})


def test_a_stream_reads_the_json_array_of_chunks(server, model):
    server.push_text(TEXT, pieces=[TEXT[:9], TEXT[9:20], TEXT[20:]])
    deltas = list(model.stream(ModelRequest(prompt="p", model="gemini-2.0-flash")))
    assert "".join(d.text for d in deltas) == TEXT and [d.text for d in deltas[:-1]] == [TEXT[:9], TEXT[9:20],
                                                                                         TEXT[20:]]
    assert deltas[-1].done and deltas[-1].tokens_out > 0
    assert server.last_request.path == "/v1beta/models/gemini-2.0-flash:streamGenerateContent"


def test_an_unknown_model_and_a_bad_key_give_clear_errors_without_the_key(server, model):
    with pytest.raises(ProviderError, match=r"^gemini: model 'gemini-x' not found \(404\)$") as caught:
        model.complete(ModelRequest(prompt="p", model="gemini-x"))
    assert not caught.value.retryable
    bad = GeminiTextModel(api_key="wrong-" + KEY, base_url=server.url, timeout=2.0)
    try:
        with pytest.raises(ProviderError, match=r"^gemini: API key rejected \(400\)$") as caught:
            bad.complete(ModelRequest(prompt="p", model="gemini-2.0-flash"))
    finally:
        bad.close()
    assert KEY not in str(caught.value) and KEY not in repr(bad) and not caught.value.retryable


def test_a_401_is_sent_once_not_re_sent_by_google_auth_nor_retried(server, model):
    server.push_error(401)
    clock = FakeClock()
    with pytest.raises(ProviderError, match=r"\(401\)"):
        ResilientTextModel(model, clock).complete(ModelRequest(prompt="p", model="gemini-2.0-flash"))
    assert len(server.generate_requests) == 1 and clock.sleeps == []


def test_429_with_retry_delay_and_503_are_retried_by_us_alone(server, model):
    server.push_error(429, retry_delay="3s")
    server.push_error(503)
    clock = FakeClock()
    wrapped = ResilientTextModel(model, clock, policy=RetryPolicy(max_retries=2, base_delay=0.5))
    assert json.loads(wrapped.complete(ModelRequest(prompt="p", model="gemini-2.0-flash")).text)["records"]
    assert len(server.generate_requests) == 3  # the SDK's own 503 retry is off
    assert clock.sleeps[0] == 3.0 and 0 <= clock.sleeps[1] <= 1.0


def test_timeouts_and_cut_streams_are_retryable(server):
    quick = GeminiTextModel(api_key=KEY, base_url=server.url, timeout=0.2)
    try:
        server.push_text("late", delay=3)
        with pytest.raises(ProviderError, match="timeout") as caught:
            quick.complete(ModelRequest(prompt="p", model="gemini-2.0-flash"))
        assert caught.value.retryable
        server.push_text("abcdefghijkl", pieces=["abcd", "efgh", "ijkl"], truncate=True)
        with pytest.raises(ProviderError, match=r"cut off|connection") as caught:
            list(quick.stream(ModelRequest(prompt="p", model="gemini-2.0-flash")))
        assert caught.value.retryable
        server.push(Reply(body="{broken", content_type="application/json"))
        with pytest.raises(ProviderError) as caught:
            quick.complete(ModelRequest(prompt="p", model="gemini-2.0-flash"))
        assert caught.value.retryable
    finally:
        quick.close()
