"""compose_model_stack takes routing, catalog, breaker and keys from the validated Settings (parsed from the file)."""

from __future__ import annotations

from typing import Any

import pytest

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import ConfigError, ProviderError
from agentic_synth.entrypoints.model_stack import compose_model_stack
from tests.fakes import FakeClock, FakeTextModel


def _settings(config: dict[str, Any]) -> Settings:
    return structure(config, Settings, origin="config")


def _stack(config: dict[str, Any], providers: dict[str, Any], **kw: Any) -> Any:
    kw.setdefault("clock", FakeClock())
    return compose_model_stack(_settings(config), providers, **kw)


def test_keys_in_api_keys_or_providers_make_a_provider_usable_and_a_local_base_url_does_too() -> None:
    config = {"apiKeys": {"gemini": "k", "openRouter": ""},
              "providers": {"ollama": {"type": "openai-compatible", "baseUrl": "http://127.0.0.1:11434/v1"},
                            "openrouter": {"baseUrl": "https://openrouter.ai/api/v1"}}}
    assert _settings(config).usable_providers() == {"gemini": True, "openrouter": False, "ollama": True}


def test_the_breaker_settings_come_from_config() -> None:
    clock = FakeClock()
    gemini = FakeTextModel.for_routing("gemini", failing={"gemini-2.5-flash"})
    config = {"models": {"routing": {"fallbackChain": ["gemini-flash"],
                                     "circuitBreaker": {"threshold": 1, "cooldownSeconds": 5}}}}
    stack = _stack(config, {"gemini": gemini}, clock=clock, warn=lambda m: None)
    with pytest.raises(ProviderError, match="HTTP 503 service unavailable after 3 attempts"):
        stack.text_model.complete(ModelRequest(prompt="p"))  # one model in the chain: its own error
    breaker = stack.text_model.breaker("gemini-2.5-flash")
    assert breaker.state.value == "open" and breaker.retry_in() == 5


@pytest.mark.parametrize(("breaker", "message"), [
    ({"threshold": 0}, "models.routing.circuitBreaker.threshold: must be greater than 0"),
    ({"cooldownSeconds": -1}, "models.routing.circuitBreaker.cooldownSeconds: must be 0 or more"),
])
def test_bad_breaker_settings_are_config_errors(breaker: dict[str, int], message: str) -> None:
    config = {"models": {"routing": {"circuitBreaker": breaker}}}
    with pytest.raises(ConfigError, match=message):
        _stack(config, {})


def test_under_a_budget_an_unpriced_model_in_the_fallback_chain_is_refused_before_any_call() -> None:
    config = {"models": {"routing": {"fallbackChain": ["gemini-flash", "my-own-model"]}}}
    gemini = FakeTextModel.for_routing("gemini")
    with pytest.raises(ConfigError, match="--budget: the price of model 'my-own-model' is unknown"):
        _stack(config, {"gemini": gemini}, routing=RunRouting(budget_usd=1.0))
    assert gemini.requests == []


def test_run_options_override_the_configured_strategy_and_chain() -> None:
    config = {"models": {"routing": {"strategy": "cost", "fallbackChain": ["gemini-flash"]}}}
    stack = _stack(config, {}, routing=RunRouting.from_values(strategy="quality", fallback="gemini-pro,gpt-4"))
    assert stack.policy.strategy == "quality" and stack.policy.fallback_chain == ("gemini-pro", "gpt-4")


def test_a_key_that_is_not_set_does_not_make_its_provider_usable() -> None:
    assert _settings({"apiKeys": {"gemini": "", "openRouter": "sk-or"}}).usable_providers() == {
        "gemini": False, "openrouter": True}


def test_kinds_without_a_default_in_config_are_left_to_the_router() -> None:
    config = {"models": {"defaults": {"timeseries": None, "events": None, "structured": "gemini-flash"},
                         "routing": {"strategy": "cost", "fallbackChain": []}}}
    stack = _stack(config, {})
    assert stack.policy.defaults == {"structured": "gemini-flash"} and stack.policy.fallback_chain == ()


def test_the_ledger_goes_onto_the_runs_metadata_per_model() -> None:
    from agentic_synth.domain.generation.results import RunMetadata

    gemini = FakeTextModel.for_routing("gemini", tokens_in=1000, tokens_out=500)
    stack = _stack({}, {"gemini": gemini, "ollama": FakeTextModel.for_routing("ollama")}, warn=lambda m: None)
    flash = stack.text_model.complete(ModelRequest(prompt="p" * 1000, model="gemini-flash"))  # 1,000 tokens fit
    stack.ledger.record_records(flash.model, 20)
    stack.text_model.complete(ModelRequest(prompt="p", model="llama3", provider="ollama"))
    meta = RunMetadata(kind="structured", mode="llm", seed=1, requested=20)
    stack.usage_into(meta)
    assert meta.models["gemini-2.5-flash"].records == 20
    assert meta.models["gemini-2.5-flash"].cost_usd == pytest.approx((1000 * 0.30 + 500 * 2.50) / 1e6)
    assert meta.cost_usd == pytest.approx(meta.models["gemini-2.5-flash"].cost_usd)
    assert meta.notes == ["cost of 1 call(s) to 'llama3' is unknown (no prices in the catalog)"]


def test_a_run_reports_the_failures_of_a_model_it_fell_back_from_next_to_the_records_of_the_others() -> None:
    from agentic_synth.domain.generation.results import ModelUsage, RunMetadata

    gemini = FakeTextModel.for_routing("gemini", failing={"gemini-2.5-flash"})
    stack = _stack({"apiKeys": {"gemini": "k"}}, {"gemini": gemini}, warn=lambda m: None, model="gemini-2.5-flash",
                   routing=RunRouting(fallback=("gemini-2.0-flash",)))
    answer = stack.text_model.complete(ModelRequest(prompt="p", model="gemini-2.5-flash"))
    meta = RunMetadata(kind="structured", mode="llm", seed=1, requested=1,
                       models={answer.model: ModelUsage(calls=1, records=1)})
    stack.report_into(meta)
    assert answer.model == "gemini-2.0-flash"
    assert meta.models["gemini-2.5-flash"].failures == 1 and meta.models["gemini-2.5-flash"].records == 0
    assert meta.models["gemini-2.0-flash"] == ModelUsage(calls=1, records=1)
