"""The model stack with the REAL openai SDK against the fake OpenAI server: a primary that answers
429 forever hands over to the fallback within the retry policy, and the budget settles real usage."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import openai
import pytest

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import ProviderError
from agentic_synth.entrypoints.model_stack import compose_model_stack
from tests.fakes import FakeClock
from tests.servers.base import RecordedRequest, Reply
from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply

RECORDS_TEXT = json.dumps([{"name": "Ann", "age": 31}, {"name": "Bob", "age": 42}])
PRIMARY, FALLBACK = "openai/gpt-4o", "openai/gpt-4o-mini"  # the catalog's gpt-4-turbo and gpt-4o-mini
MAX_RETRIES = 2


class OpenAISDKTextModel:
    """A minimal OpenAI-compatible TextModel for this test (issue 6 brings the real adapter)."""

    def __init__(self, client: openai.OpenAI, provider: str = "openrouter") -> None:
        self.client = client
        self.provider = provider

    def complete(self, request: ModelRequest) -> Completion:
        started = time.monotonic()
        try:
            reply = self.client.chat.completions.create(
                model=request.model or "", max_tokens=request.max_output_tokens,
                messages=[{"role": "user", "content": request.prompt}])
        except openai.APIStatusError as exc:
            raise ProviderError(f"HTTP {exc.status_code} {exc.code or exc.type} (retries: {self.client.max_retries})",
                                provider=self.provider, status=exc.status_code) from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(f"connection failed: {type(exc).__name__}", provider=self.provider) from exc
        usage = reply.usage
        return Completion(text=reply.choices[0].message.content or "", model=reply.model, provider=self.provider,
                          tokens_in=usage.prompt_tokens if usage else 0,
                          tokens_out=usage.completion_tokens if usage else 0,
                          latency_s=time.monotonic() - started)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        completion = self.complete(request)
        yield TextDelta(completion.text, completion.tokens_in, completion.tokens_out, done=True)


def _server(broken: dict[str, int]) -> FakeOpenAIServer:
    """Models in `broken` answer that status forever (429 with a short Retry-After); others answer."""
    holder: list[FakeOpenAIServer] = []

    def handler(req: RecordedRequest) -> Reply:
        status = broken.get((req.json or {}).get("model", ""))
        if status is not None:
            return openai_error_reply(status, retry_after="0.01" if status == 429 else None)
        return holder[0].completion_reply(req, RECORDS_TEXT)

    server = FakeOpenAIServer(default_handler=handler)
    holder.append(server)
    return server


def _models(server: FakeOpenAIServer) -> list[str]:
    return [r.json["model"] for r in server.completion_requests]


@pytest.fixture
def config() -> Settings:
    payload = {"apiKeys": {"openRouter": "test"},
               "models": {"routing": {"fallbackChain": ["gpt-4-turbo", "gpt-4o-mini"]}}}
    return structure(payload, Settings, origin="test")


def test_a_primary_that_answers_429_forever_hands_over_to_the_fallback_within_the_retry_policy(config) -> None:
    with _server({PRIMARY: 429}) as server, server.client(max_retries=MAX_RETRIES) as client:
        stack = compose_model_stack(config, {"openrouter": OpenAISDKTextModel(client)}, clock=FakeClock(),
                                    routing=RunRouting(budget_usd=0.05), warn=lambda m: None)
        started = time.monotonic()
        first = stack.text_model.complete(ModelRequest(prompt="Make 2 people as JSON", max_output_tokens=500))
        second = stack.text_model.complete(ModelRequest(prompt="Make 2 more people", max_output_tokens=500))
        elapsed = time.monotonic() - started
    assert first.model == second.model == FALLBACK and json.loads(first.text)[0]["name"] == "Ann"
    # one try and MAX_RETRIES retries on the primary, then the fallback takes the remaining work
    assert _models(server) == [PRIMARY] * (1 + MAX_RETRIES) + [FALLBACK, FALLBACK]
    assert elapsed < 2.0
    usage = stack.ledger.usage()
    assert usage[PRIMARY].failures == 1 and usage[PRIMARY].calls == 0
    assert usage[FALLBACK].calls == 2
    fallback = stack.catalog.get(FALLBACK)
    assert fallback is not None and fallback.input_per_mtok is not None and fallback.output_per_mtok is not None
    expected = sum(c.tokens_in * fallback.input_per_mtok + c.tokens_out * fallback.output_per_mtok
                   for c in (first, second)) / 1e6
    assert first.tokens_in > 0 and usage[FALLBACK].cost_usd == pytest.approx(expected)
    assert float(stack.budget.spent) == pytest.approx(expected) and stack.budget.reserved == 0


def test_when_both_models_fail_the_error_names_each_with_its_http_status(config) -> None:
    with _server({PRIMARY: 429, FALLBACK: 401}) as server, server.client(max_retries=1) as client:
        stack = compose_model_stack(config, {"openrouter": OpenAISDKTextModel(client)}, clock=FakeClock(),
                                    warn=lambda m: None)
        with pytest.raises(ProviderError) as caught:
            stack.text_model.complete(ModelRequest(prompt="Make 2 people"))
    assert str(caught.value) == (f"every model failed: {PRIMARY}: HTTP 429 rate_limit_exceeded (retries: 1); "
                                 f"{FALLBACK}: HTTP 401 invalid_api_key (retries: 1)")
    assert _models(server) == [PRIMARY, PRIMARY, FALLBACK]  # the SDK does not retry an auth error
