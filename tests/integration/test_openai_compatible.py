"""OpenAICompatibleTextModel and OpenRouterTextModel with the real openai SDK against the fake server."""

from __future__ import annotations

import json

import pytest

from agentic_synth.adapters.providers.openai_compatible import OpenAICompatibleTextModel, OpenRouterTextModel
from agentic_synth.adapters.providers.resilience import ResilientTextModel, RetryPolicy
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import ProviderError
from tests.fakes import FakeClock
from tests.servers.base import Reply
from tests.servers.openai_fake import FakeOpenAIServer

SCHEMA = {"type": "object", "properties": {"records": {"type": "array", "items": {"type": "object"}}}}
TEXT = json.dumps({"records": [{"name": "Ann"}, {"name": "Bob"}]})


@pytest.fixture
def server():
    with FakeOpenAIServer(api_key="sk-secret-key-123", text=TEXT) as fake:
        yield fake
        assert fake.errors == []


@pytest.fixture
def models():
    made: list = []
    yield made
    for model in made:
        model.close()


@pytest.fixture
def make_model(models):
    def make(server: FakeOpenAIServer, **kw) -> OpenAICompatibleTextModel:
        kw.setdefault("api_key", "sk-secret-key-123")
        kw.setdefault("timeout", 2.0)
        models.append(OpenAICompatibleTextModel(base_url=server.url + "/v1", provider="local", **kw))
        return models[-1]
    return make


def test_a_completion_sends_model_auth_and_json_schema_and_reports_usage(server, make_model):
    completion = make_model(server).complete(ModelRequest(prompt="make 2", model="gpt-4o-mini", system="JSON only",
                                                      json_schema=SCHEMA, seed=7, max_output_tokens=300))
    assert json.loads(completion.text)["records"][1] == {"name": "Bob"}
    assert (completion.provider, completion.model, completion.finish_reason) == ("local", "gpt-4o-mini", "stop")
    assert completion.tokens_in > 0 and completion.tokens_out > 0 and completion.cost_usd is None
    sent = server.last_request
    assert sent.path == "/v1/chat/completions" and sent.headers["authorization"] == "Bearer sk-secret-key-123"
    assert sent.headers["x-stainless-retry-count"] == "0"
    assert sent.json["response_format"]["type"] == "json_schema"
    assert sent.json["response_format"]["json_schema"]["schema"] == SCHEMA
    assert sent.json["messages"][0] == {"role": "system", "content": "JSON only"}
    assert (sent.json["seed"], sent.json["max_tokens"]) == (7, 300)


def test_a_server_that_rejects_structured_output_gets_json_object_then_plain_text(server, make_model):
    server.push_error(400, "response_format json_schema is not supported")
    server.push_error(400, "response_format is not supported")
    model = make_model(server)
    completion = model.complete(ModelRequest(prompt="p", model="m", json_schema=SCHEMA))
    assert json.loads(completion.text)["records"]
    formats = [r.json.get("response_format", {}).get("type") for r in server.completion_requests]
    assert formats == ["json_schema", "json_object", None]
    model.complete(ModelRequest(prompt="p", model="m", json_schema=SCHEMA))  # remembered per model
    assert "response_format" not in server.last_request.json


def test_a_stream_yields_pieces_then_usage(server, make_model):
    server.push_text(TEXT, pieces=[TEXT[:10], TEXT[10:25], TEXT[25:]])
    deltas = list(make_model(server).stream(ModelRequest(prompt="p", model="gpt-4o-mini")))
    assert [d.text for d in deltas[:-1]] == [TEXT[:10], TEXT[10:25], TEXT[25:]]
    assert deltas[-1].done and deltas[-1].tokens_out > 0
    assert server.last_request.json["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(("status", "message", "retryable"), [
    (401, "local: API key rejected (401)", False),
    (403, "local: access denied (403)", False),
    (404, "local: model 'gpt-x' not found (404)", False),
    (429, "local: rate limited (429)", True),
    (500, "local: server error (500)", True),
])
def test_http_errors_become_one_line_provider_errors_without_the_key(server, status, message, retryable, make_model,
                                                                     models):
    server.push_error(status, "Incorrect API key provided: sk-secret-key-123")
    with pytest.raises(ProviderError) as caught:
        make_model(server).complete(ModelRequest(prompt="p", model="gpt-x", json_output=False))
    assert str(caught.value).startswith(message)
    assert caught.value.retryable is retryable and caught.value.status == status
    assert "sk-secret-key-123" not in str(caught.value) and "sk-secret-key-123" not in repr(models[0])


def test_a_wrong_key_is_rejected_by_the_server_with_the_openrouter_message(models):
    with FakeOpenAIServer(api_key="right") as fake:
        model = OpenRouterTextModel(api_key="wrong-key-xyz", base_url=fake.url + "/api/v1", timeout=2.0)
        models.append(model)
        with pytest.raises(ProviderError, match=r"^openrouter: API key rejected \(401\)$"):
            model.complete(ModelRequest(prompt="p", model="openai/gpt-4o-mini"))
        sent = fake.last_request
        assert sent.path == "/api/v1/chat/completions" and sent.headers["x-title"] == "agentic-synth"
        assert sent.json["usage"] == {"include": True}


def test_timeouts_drops_and_cut_streams_are_retryable_errors(server, make_model):
    model = make_model(server, timeout=0.2)
    server.push(Reply(json={}, delay=3))
    with pytest.raises(ProviderError, match="timeout") as caught:
        model.complete(ModelRequest(prompt="p", model="m"))
    assert caught.value.retryable
    server.push(Reply(drop=True))
    with pytest.raises(ProviderError, match="connection failed") as caught:
        model.complete(ModelRequest(prompt="p", model="m"))
    server.push_text("abcdefghijklmnop", pieces=["abcd", "efgh", "ijkl", "mnop"], truncate=True)
    got = []
    with pytest.raises(ProviderError) as caught:
        got.extend(d.text for d in model.stream(ModelRequest(prompt="p", model="m")))
    text = "".join(got)
    assert caught.value.retryable and "abcdefghijklmnop".startswith(text) and text != "abcdefghijklmnop"


def test_a_malformed_body_is_a_retryable_provider_error(server, make_model):
    server.push(Reply(body="{not json", content_type="application/json"))
    with pytest.raises(ProviderError) as caught:
        make_model(server).complete(ModelRequest(prompt="p", model="m"))
    assert caught.value.retryable


def test_our_retries_honour_retry_after_then_succeed_and_sdk_retries_stay_off(server, make_model):
    clock = FakeClock()
    server.push_error(429, retry_after="7")
    server.push_error(503)
    model = ResilientTextModel(make_model(server), clock, policy=RetryPolicy(max_retries=3, base_delay=1.0))
    completion = model.complete(ModelRequest(prompt="p", model="gpt-4o-mini"))
    assert json.loads(completion.text)["records"]
    assert len(server.completion_requests) == 3
    assert clock.sleeps[0] == 7.0 and 0 <= clock.sleeps[1] <= 2.0
    assert {r.headers["x-stainless-retry-count"] for r in server.completion_requests} == {"0"}


def test_a_rejected_key_is_not_retried(server, make_model):
    clock = FakeClock()
    server.push_error(401)
    model = ResilientTextModel(make_model(server), clock)
    with pytest.raises(ProviderError, match=r"\(401\)"):
        model.complete(ModelRequest(prompt="p", model="m"))
    assert len(server.completion_requests) == 1 and clock.sleeps == []


def test_a_400_about_something_else_is_not_resent_without_structured_output_nor_unlearns_it(server, make_model):
    too_long = "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens"
    server.push_error(400, too_long)
    server.push_error(400, too_long)
    model = make_model(server)
    with pytest.raises(ProviderError, match="maximum context length") as caught:
        list(model.stream(ModelRequest(prompt="p", model="m", json_schema=SCHEMA)))
    assert caught.value.status == 400 and not caught.value.retryable
    assert len(server.completion_requests) == 2  # one try without json_schema to tell, not 4 sends
    model.complete(ModelRequest(prompt="shorter", model="m", json_schema=SCHEMA))
    assert server.last_request.json["response_format"]["type"] == "json_schema"  # still structured for later calls


def test_a_server_that_rejects_stream_options_streams_without_them_and_keeps_structured_output(server, make_model):
    server.push_error(400, "Unrecognized request argument supplied: stream_options")
    deltas = list(make_model(server).stream(ModelRequest(prompt="p", model="m", json_schema=SCHEMA)))
    assert json.loads("".join(d.text for d in deltas))["records"] and deltas[-1].done
    first, second = server.completion_requests
    assert "stream_options" in first.json and "stream_options" not in second.json
    assert second.json["response_format"]["type"] == "json_schema"
