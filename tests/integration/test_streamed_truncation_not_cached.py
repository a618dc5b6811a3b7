"""A streamed plan reply cut off by the output limit is never stored in the response cache; a records reply cut
there is (the run kept its complete records, so a replay needs the same reply). Real SDKs, fake servers."""

from __future__ import annotations

import json

from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.providers.gemini import GeminiTextModel
from agentic_synth.adapters.providers.openai_compatible import OpenAICompatibleTextModel
from agentic_synth.application.text_models.cached import CachedTextModel
from agentic_synth.domain.ai.models import ModelRequest, TextDelta
from tests.fakes import FakeClock
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer

TEXT = json.dumps([{"name": "Ann"}, {"name": "Bob"}])
REQUEST = ModelRequest(prompt="make 2", model="m", provider="local", purpose="plan")


def _stream_twice(inner: OpenAICompatibleTextModel | GeminiTextModel,
                  request: ModelRequest) -> tuple[list[TextDelta], list[TextDelta]]:
    """The same request streamed twice through a response cache over `inner`, which is closed after."""
    clock = FakeClock()
    model = CachedTextModel(inner, InMemoryResponseCache(clock=clock, default_ttl=60.0), clock=clock)
    try:
        return list(model.stream(request)), list(model.stream(request))
    finally:
        inner.close()


def test_an_openai_stream_stopped_by_the_length_limit_is_asked_again_next_time() -> None:
    with FakeOpenAIServer() as server:
        server.push_text(TEXT[:12], finish_reason="length")
        server.push_text(TEXT)
        inner = OpenAICompatibleTextModel(base_url=server.url + "/v1", provider="local", timeout=2.0)
        first, second = _stream_twice(inner, REQUEST)
        assert len(server.completion_requests) == 2
    assert first[-1].finish_reason == "length" and not second[-1].cached
    assert "".join(d.text for d in second) == TEXT


def test_an_openai_stream_that_stopped_normally_is_replayed_from_the_cache() -> None:
    with FakeOpenAIServer(text=TEXT) as server:
        inner = OpenAICompatibleTextModel(base_url=server.url + "/v1", provider="local", timeout=2.0)
        _, again = _stream_twice(inner, REQUEST)
        assert len(server.completion_requests) == 1
    assert again[-1].cached and "".join(d.text for d in again) == TEXT


def test_a_gemini_stream_stopped_by_max_tokens_is_asked_again_next_time() -> None:
    with FakeGeminiServer(text=TEXT) as server:
        server.push_text(TEXT[:12], finish_reason="MAX_TOKENS")
        inner = GeminiTextModel(api_key="gm-key-0123456789", base_url=server.url, timeout=2.0)
        request = ModelRequest(prompt="make 2", model="gemini-2.0-flash", provider="gemini", purpose="plan")
        first, second = _stream_twice(inner, request)
        assert len(server.generate_requests) == 2
    assert first[-1].finish_reason == "MAX_TOKENS" and not second[-1].cached
    assert "".join(d.text for d in second) == TEXT


def test_an_openai_records_stream_stopped_by_the_length_limit_is_replayed_as_it_was() -> None:
    with FakeOpenAIServer(text=TEXT) as server:
        server.push_text(TEXT[:12], finish_reason="length")
        inner = OpenAICompatibleTextModel(base_url=server.url + "/v1", provider="local", timeout=2.0)
        request = ModelRequest(prompt="make 2", model="m", provider="local", purpose="records")
        first, again = _stream_twice(inner, request)
        assert len(server.completion_requests) == 1
    assert first[-1].finish_reason == "length" and again[-1].cached and again[-1].finish_reason == "length"
    assert "".join(d.text for d in again) == TEXT[:12]
