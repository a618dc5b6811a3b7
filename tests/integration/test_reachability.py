"""doctor --online's reachability check against the fake provider servers and a closed port."""

from __future__ import annotations

import socket

from agentic_synth.adapters.reachability import check_provider, models_url
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.settings import ProviderSettings
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer

KEY = "reach-key-0123456789"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_openai_compatible_server_that_lists_its_models_is_reachable_and_gets_the_key_in_a_header() -> None:
    with FakeOpenAIServer(api_key=KEY) as server:
        provider = ProviderSettings(type="openai-compatible", base_url=f"{server.url}/v1")
        result = check_provider(provider, Secret(KEY))
        assert result.ok, result.detail
        (request,) = server.requests
        assert request.method == "GET" and request.path == "/v1/models"
        assert request.header("authorization") == f"Bearer {KEY}"
        assert KEY not in request.raw_path


def test_a_refused_key_is_reported_as_reachable_but_refused_without_the_key() -> None:
    with FakeOpenAIServer(api_key="the-right-key") as server:
        result = check_provider(ProviderSettings(type="openai-compatible", base_url=f"{server.url}/v1"), Secret(KEY))
    assert not result.ok
    assert "key was refused (HTTP 401)" in result.detail
    assert KEY not in result.detail


def test_gemini_is_checked_on_its_model_list_with_the_goog_key_header() -> None:
    with FakeGeminiServer(api_key=KEY) as server:
        result = check_provider(ProviderSettings(type="gemini", base_url=server.url), Secret(KEY))
        assert result.ok, result.detail
        (request,) = server.requests
        assert request.path == "/v1beta/models"
        assert request.header("x-goog-api-key") == KEY


def test_a_closed_port_is_unreachable_and_says_where_it_looked() -> None:
    port = _closed_port()
    result = check_provider(ProviderSettings(type="openai-compatible", base_url=f"http://127.0.0.1:{port}/v1"),
                            Secret(KEY))
    assert not result.ok
    assert result.detail.startswith(f"unreachable at http://127.0.0.1:{port}/v1/models")


def test_the_models_url_follows_each_provider_type() -> None:
    gemini = ProviderSettings(type="gemini", base_url="https://generativelanguage.googleapis.com")
    assert models_url(gemini) == "https://generativelanguage.googleapis.com/v1beta/models"
    versioned = ProviderSettings(type="gemini", base_url="https://example.test/v1beta/")
    assert models_url(versioned) == "https://example.test/v1beta/models"
    assert models_url(ProviderSettings(type="openai-compatible", base_url="https://openrouter.ai/api/v1")) == (
        "https://openrouter.ai/api/v1/models")
