"""RouterTextModel: routing, fallback, breakers, the ledger and the all-failed error."""

from __future__ import annotations

import pytest

from agentic_synth.application.text_models.router import RouterTextModel
from agentic_synth.domain.ai.breaker import BreakerState
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import RoutingPolicy
from agentic_synth.domain.errors import BudgetExceeded, ProviderError
from tests.fakes import FakeClock, FakeTextModel

CHEAP = ModelInfo("cheap", "gemini", 0.1, 0.4, 100_000, 8192, 0.6, 3000)
MID = ModelInfo("mid", "openrouter", 1.0, 4.0, 100_000, 8192, 0.8, 300)
BEST = ModelInfo("best", "openrouter", 3.0, 15.0, 200_000, 8192, 0.95, 2000)
CATALOG = Catalog({m.name: m for m in (CHEAP, MID, BEST)})
REQ = ModelRequest(prompt="make 20 users", kind="structured", max_output_tokens=1000)


def router(targets: dict[str, FakeTextModel], policy: RoutingPolicy | None = None, **kw: object) -> RouterTextModel:
    kw.setdefault("clock", FakeClock())
    return RouterTextModel(targets, CATALOG, policy or RoutingPolicy(strategy="cost"), **kw)  # type: ignore[arg-type]


def test_the_strategys_choice_is_called_with_the_model_and_provider_set() -> None:
    gemini = FakeTextModel.for_routing("gemini")
    completion = router({"gemini": gemini, "openrouter": FakeTextModel.for_routing("openrouter")}).complete(REQ)
    assert completion.model == "cheap" and gemini.requests[0].model == "cheap"
    assert gemini.requests[0].provider == "gemini" and gemini.requests[0].prompt == REQ.prompt


def test_a_failing_model_hands_over_to_the_next_and_the_ledger_records_both() -> None:
    gemini, openrouter = FakeTextModel.for_routing("gemini", failing={"cheap"}), FakeTextModel.for_routing("openrouter")
    warnings: list[str] = []
    r = router({"gemini": gemini, "openrouter": openrouter}, warn=warnings.append)
    assert r.complete(REQ).model == "mid"
    usage = r.ledger.usage()
    assert (usage["cheap"].failures, usage["cheap"].calls) == (1, 0)
    assert (usage["mid"].calls, usage["mid"].tokens_in, usage["mid"].tokens_out) == (1, 100, 50)
    assert any("'cheap' failed" in w and "falling back" in w for w in warnings)


def test_after_a_failure_the_fallback_takes_the_remaining_work() -> None:
    gemini, openrouter = FakeTextModel.for_routing("gemini", failing={"cheap"}), FakeTextModel.for_routing("openrouter")
    r = router({"gemini": gemini, "openrouter": openrouter})
    for _ in range(5):
        r.complete(REQ)
    assert gemini.models_called == ["cheap"]  # not asked again for the rest of the run
    assert openrouter.models_called == ["mid"] * 5


def test_when_every_model_fails_the_error_names_each_model_and_why() -> None:
    gemini = FakeTextModel.for_routing("gemini", failing={"cheap"})
    openrouter = FakeTextModel.for_routing("openrouter", failing={"mid", "best"}, error=lambda r: ProviderError(
        f"HTTP 404 model '{r.model}' not found", status=404))
    with pytest.raises(ProviderError) as caught:
        router({"gemini": gemini, "openrouter": openrouter}).complete(REQ)
    assert str(caught.value) == ("every model failed: cheap: HTTP 503 service unavailable after 3 attempts; "
                                 "mid: HTTP 404 model 'mid' not found; best: HTTP 404 model 'best' not found")
    assert "\n" not in str(caught.value)


def test_a_model_whose_provider_has_no_key_is_listed_as_not_configured() -> None:
    policy = RoutingPolicy(fallback_chain=("cheap", "mid"))
    with pytest.raises(ProviderError, match=r"cheap: .*; mid: provider 'openrouter' is not configured"):
        router({"gemini": FakeTextModel.for_routing("gemini", failing={"cheap"})}, policy).complete(REQ)


def test_no_usable_provider_at_all_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="no model is usable: configure an API key"):
        router({}).complete(REQ)


def test_the_breaker_opens_after_repeated_failures_and_half_opens_after_the_cool_down() -> None:
    clock = FakeClock()
    gemini, openrouter = (FakeTextModel.for_routing("gemini", failing={"cheap"}),
                          FakeTextModel.for_routing("openrouter", failing={"mid"}))
    policy = RoutingPolicy(fallback_chain=("cheap", "mid"))
    r = router({"gemini": gemini, "openrouter": openrouter}, policy, clock=clock, breaker_threshold=2,
               breaker_cooldown_s=60)
    for _ in range(2):
        with pytest.raises(ProviderError):
            r.complete(REQ)
    assert r.breaker_states() == {"cheap": BreakerState.OPEN, "mid": BreakerState.OPEN}
    with pytest.raises(ProviderError, match="cheap: skipped, circuit open after 2 consecutive failures "
                                            r"\(last: [^;]+; retry in 60s\)"):
        r.complete(REQ)
    assert len(gemini.requests) == 2  # the open breaker kept the call from going out
    clock.advance(60)
    gemini.failing.clear()
    assert r.complete(REQ).model == "cheap"  # the half-open trial succeeds
    assert r.breaker_states()["cheap"] is BreakerState.CLOSED


def test_a_pinned_model_is_used_and_falls_back_along_the_chain() -> None:
    openrouter = FakeTextModel.for_routing("openrouter", failing={"best"})
    r = router({"gemini": FakeTextModel.for_routing("gemini"), "openrouter": openrouter},
               RoutingPolicy(fallback_chain=("mid",)))
    assert r.complete(ModelRequest(prompt="p", model="best")).model == "mid"
    assert openrouter.models_called == ["best", "mid"]


def test_a_name_outside_the_catalog_is_sent_as_given_with_a_warning_once_and_cost_unknown() -> None:
    local = FakeTextModel.for_routing("ollama")
    warnings: list[str] = []
    r = router({"ollama": local}, warn=warnings.append)
    for _ in range(2):
        r.complete(ModelRequest(prompt="p", model="llama3:8b", provider="ollama"))
    assert local.models_called == ["llama3:8b", "llama3:8b"]
    assert warnings == ["model 'llama3:8b' is not in the catalog: sent to provider 'ollama' as given; "
                        "its cost is unknown"]


def test_cached_answers_are_counted_as_calls_and_cache_hits_at_no_cost() -> None:
    r = router({"gemini": FakeTextModel.for_routing("gemini", cached=True)})
    r.complete(REQ)
    entry = r.ledger.entries()[0]
    assert (entry.calls, entry.cache_hits, entry.cost_usd, entry.tokens_in) == (1, 1, 0, 0)


def test_a_budget_stop_is_not_a_model_failure_and_is_not_hidden_by_a_fallback() -> None:
    class Broke(FakeTextModel):
        def complete(self, request: ModelRequest):  # type: ignore[no-untyped-def]
            raise BudgetExceeded.stopped(spent=0.1, limit=0.1, next_call=0.01)

    openrouter = FakeTextModel.for_routing("openrouter")
    r = router({"gemini": Broke(provider="gemini"), "openrouter": openrouter})
    with pytest.raises(BudgetExceeded):
        r.complete(REQ)
    assert openrouter.requests == [] and r.ledger.entries() == []


def test_streaming_falls_back_before_the_first_piece_and_records_usage() -> None:
    gemini, openrouter = (FakeTextModel.for_routing("gemini", failing={"cheap"}),
                          FakeTextModel.for_routing("openrouter", text="abcdef"))
    r = router({"gemini": gemini, "openrouter": openrouter})
    pieces = list(r.stream(REQ))
    assert "".join(p.text for p in pieces) == "abcdef" and pieces[-1].done
    mid = r.ledger.usage()["mid"]
    assert (mid.calls, mid.tokens_in, mid.tokens_out) == (1, 100, 50)
    assert mid.cost_usd == pytest.approx((100 * 1.0 + 50 * 4.0) / 1e6)


def test_records_per_model_are_added_by_the_generation_loop() -> None:
    r = router({"gemini": FakeTextModel.for_routing("gemini")})
    completion = r.complete(REQ)
    r.ledger.record_records(completion.model, 20)
    assert r.ledger.usage()["cheap"].records == 20


def test_a_stream_replayed_from_the_cache_is_recorded_in_the_ledger_as_free() -> None:
    from agentic_synth.adapters.cache.memory import InMemoryResponseCache
    from agentic_synth.application.text_models.cached import CachedTextModel

    clock = FakeClock()
    gemini = FakeTextModel.for_routing("gemini", text="abcdef")
    cached = CachedTextModel(gemini, InMemoryResponseCache(clock=clock, default_ttl=60.0), clock=clock)
    r = router({"gemini": cached}, clock=clock)
    list(r.stream(REQ))
    replayed = list(r.stream(REQ))
    assert replayed[-1].cached and gemini.calls == 1
    cheap = r.ledger.usage()["cheap"]
    assert cheap.cost_usd == pytest.approx((100 * 0.1 + 50 * 0.4) / 1e6)  # the one paid call, not two

