"""Which provider serves a model name, and the dispatch of calls to it."""

from __future__ import annotations

import pytest

from agentic_synth.application.text_models.dispatch import ProviderDispatchTextModel
from agentic_synth.domain.ai.model_names import ModelChoice, resolve_model
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import ConfigError, UsageError
from tests.fakes import FakeTextModel

LISTED = {"local": ["llama3.1:8b", "gpt-4"]}


@pytest.mark.parametrize(("name", "provider", "expected"), [
    ("gemini-2.0-flash", None, ModelChoice("gemini-2.0-flash", "gemini")),
    ("openai/gpt-4o-mini", None, ModelChoice("openai/gpt-4o-mini", "openrouter")),
    ("meta-llama/llama-3.3-70b-instruct", None, ModelChoice("meta-llama/llama-3.3-70b-instruct", "openrouter")),
    ("llama3.1:8b", None, ModelChoice("llama3.1:8b", "local")),
    ("gpt-4", None, ModelChoice("gpt-4", "local")),  # listed under a provider: that wins over the alias
    ("gemini-pro", None, ModelChoice("gemini-2.5-pro", "gemini", "gemini-pro")),
    ("claude-3", None, ModelChoice("anthropic/claude-sonnet-4", "openrouter", "claude-3")),
    ("gpt-4", "openrouter", ModelChoice("openai/gpt-4.1", "openrouter", "gpt-4")),
    ("gemini-pro", "local", ModelChoice("gemini-pro", "local")),
    ("mistral", "local", ModelChoice("mistral", "local")),
])
def test_names_resolve_to_the_provider_that_serves_them(name, provider, expected):
    assert resolve_model(name, provider=provider, provider_models=LISTED) == expected


def test_the_notice_names_the_alias_and_the_current_model():
    assert resolve_model("gemini-pro").describe() == "gemini-2.5-pro (for gemini-pro) via gemini"


def test_a_bare_unknown_name_is_a_usage_error_that_says_what_to_do():
    with pytest.raises(UsageError, match=r"no provider serves 'mistral'.*--provider"):
        resolve_model("mistral")


def test_dispatch_sends_the_resolved_model_to_its_provider_and_explains_a_missing_key():
    gemini, router = FakeTextModel(default="g"), FakeTextModel(default="o")
    dispatch = ProviderDispatchTextModel({"gemini": gemini, "openrouter": router},
                                         unavailable={"local": "no baseUrl"})
    assert dispatch.complete(ModelRequest(prompt="p", model="gemini-pro")).text == "g"
    assert gemini.requests[0].model == "gemini-2.5-pro" and gemini.requests[0].provider == "gemini"
    assert "".join(d.text for d in dispatch.stream(ModelRequest(prompt="p", model="openai/gpt-4o"))) == "o"
    with pytest.raises(ConfigError, match=r"^local: no baseUrl$"):
        dispatch.complete(ModelRequest(prompt="p", model="x", provider="local"))
    with pytest.raises(UsageError, match="no model chosen"):
        dispatch.complete(ModelRequest(prompt="p"))
    empty = ProviderDispatchTextModel({}, unavailable={"gemini": "no API key; set GEMINI_API_KEY"})
    with pytest.raises(ConfigError, match="GEMINI_API_KEY"):
        empty.complete(ModelRequest(prompt="p", model="gemini-2.0-flash"))
