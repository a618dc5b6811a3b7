"""Strategies, candidate filtering, per-kind defaults, pinning and the fallback plan (pure domain)."""

from __future__ import annotations

import pytest

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import (
    HybridWeights,
    LatencyTracker,
    RoutingPolicy,
    candidates,
    parse_fallback,
    parse_strategy,
    plan,
    rank,
)
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import ConfigError, UsageError

# cheap: lowest price, mid quality, slow; fast: quickest, dear, lowest quality; best: top quality, dearest
CHEAP = ModelInfo("cheap", "gemini", 0.1, 0.4, 100_000, 8192, 0.6, 3000)
FAST = ModelInfo("fast", "openrouter", 1.0, 4.0, 100_000, 8192, 0.5, 300)
BEST = ModelInfo("best", "openrouter", 3.0, 15.0, 200_000, 8192, 0.95, 2000)
CATALOG = Catalog({m.name: m for m in (CHEAP, FAST, BEST)}, aliases={"good": "best"})
BOTH = {"gemini", "openrouter"}
REQ = ModelRequest(prompt="make 20 users", kind="structured", max_output_tokens=4000)


def names(models: list[ModelInfo]) -> list[str]:
    return [m.name for m in models]


@pytest.mark.parametrize(("strategy", "order"), [
    ("cost", ["cheap", "fast", "best"]),
    ("performance", ["fast", "best", "cheap"]),
    ("quality", ["best", "cheap", "fast"]),
])
def test_each_single_goal_strategy_orders_models_by_its_goal(strategy: str, order: list[str]) -> None:
    assert names(rank(list(CATALOG), REQ, strategy)) == order


def test_the_specifications_strategy_names_are_accepted() -> None:
    assert parse_strategy("cost-optimized") == "cost"
    assert parse_strategy("Balanced") == "hybrid"
    with pytest.raises(UsageError, match="strategy: 'fastest-please' is not a routing strategy"):
        parse_strategy("fastest-please")


@pytest.mark.parametrize(("weights", "winner"), [
    (HybridWeights(cost=1, performance=0, quality=0), "cheap"),
    (HybridWeights(cost=0, performance=1, quality=0), "fast"),
    (HybridWeights(cost=0, performance=0, quality=1), "best"),
])
def test_hybrid_with_all_weight_on_one_goal_agrees_with_that_goals_strategy(weights: HybridWeights,
                                                                             winner: str) -> None:
    assert rank(list(CATALOG), REQ, "hybrid", weights)[0].name == winner


def test_hybrid_balances_goals_so_a_model_good_at_two_beats_one_great_at_one() -> None:
    allround = ModelInfo("allround", "gemini", 0.2, 0.8, 100_000, 8192, 0.9, 800)
    models = [*CATALOG, allround]
    assert rank(models, REQ, "hybrid", HybridWeights(cost=1, performance=1, quality=1))[0].name == "allround"


def test_performance_routing_learns_from_observed_latency() -> None:
    latency = LatencyTracker(alpha=0.5)
    assert rank(list(CATALOG), REQ, "performance", latency=latency)[0].name == "fast"
    latency.observe("fast", 6.0)  # the "fast" model turns out slow today
    latency.observe("fast", 4.0)
    latency.observe("cheap", 0.2)
    assert latency.get("fast") == pytest.approx(6000 + 0.5 * (4000 - 6000))  # a moving average, not the last
    assert rank(list(CATALOG), REQ, "performance", latency=latency)[0].name == "cheap"


def test_candidates_are_only_models_whose_provider_is_usable() -> None:
    assert names(candidates(CATALOG, REQ, {"gemini"})) == ["cheap"]
    assert candidates(CATALOG, REQ, set()) == []


def test_candidates_need_json_output_for_a_json_schema_and_a_big_enough_context() -> None:
    no_json = ModelInfo("plain", "gemini", 0.01, 0.01, 100_000, 8192, 0.5, 100, json_output=False)
    tiny = ModelInfo("tiny", "gemini", 0.01, 0.01, 2_000, 1000, 0.5, 100)
    catalog = Catalog({m.name: m for m in (CHEAP, no_json, tiny)})
    schema_req = ModelRequest(prompt="x" * 9000, json_schema={"type": "object"}, max_output_tokens=1000)
    assert names(candidates(catalog, schema_req, BOTH)) == ["cheap"]
    plain_req = ModelRequest(prompt="x" * 30, max_output_tokens=1000)
    assert names(candidates(catalog, plain_req, BOTH)) == ["cheap", "plain", "tiny"]


def test_under_a_budget_unpriced_models_are_not_candidates() -> None:
    catalog = Catalog({**CATALOG.models, "free?": ModelInfo("free?", "gemini")})
    assert "free?" in names(candidates(catalog, REQ, BOTH))
    assert "free?" not in names(candidates(catalog, REQ, BOTH, require_prices=True))


def test_without_a_pin_or_default_the_strategy_picks_and_its_ranking_is_the_fallback() -> None:
    policy = RoutingPolicy(strategy="quality")
    assert names(plan(REQ, CATALOG, policy, BOTH)) == ["best", "cheap", "fast"]
    assert names(plan(REQ, CATALOG, policy, {"gemini"})) == ["cheap"]


def test_a_per_kind_default_comes_first_and_the_fallback_chain_follows() -> None:
    policy = RoutingPolicy(strategy="cost", fallback_chain=("good", "cheap"), defaults={"structured": "fast"})
    assert names(plan(REQ, CATALOG, policy, BOTH)) == ["fast", "best", "cheap"]
    events = ModelRequest(prompt="p", kind="events")
    assert names(plan(events, CATALOG, policy, BOTH)) == ["best", "cheap"]  # no default: the chain itself


def test_auto_route_lets_the_strategy_overrule_the_per_kind_default() -> None:
    policy = RoutingPolicy(strategy="cost", fallback_chain=("best",), defaults={"structured": "fast"},
                           auto_route=True)
    assert names(plan(REQ, CATALOG, policy, BOTH)) == ["cheap", "best"]


def test_a_pinned_model_goes_first_even_when_the_strategy_would_not_pick_it() -> None:
    pinned = ModelRequest(prompt="p", model="good", kind="structured")
    assert names(plan(pinned, CATALOG, RoutingPolicy(strategy="cost"), BOTH))[0] == "best"


def test_a_pinned_name_outside_the_catalog_is_kept_as_given_with_its_provider() -> None:
    pinned = ModelRequest(prompt="p", model="llama3:8b", provider="ollama")
    first = plan(pinned, CATALOG, RoutingPolicy(), {"ollama"})[0]
    assert (first.name, first.provider, first.known, first.priced) == ("llama3:8b", "ollama", False, False)


def test_an_unknown_name_goes_to_the_only_usable_provider_and_otherwise_needs_provider() -> None:
    assert plan(ModelRequest(prompt="p", model="x-1"), CATALOG, RoutingPolicy(), {"gemini"})[0].provider == "gemini"
    with pytest.raises(UsageError, match="model 'x-1' is not in the catalog; say whose it is with --provider"):
        plan(ModelRequest(prompt="p", model="x-1"), CATALOG, RoutingPolicy(), BOTH)


def _policy(routing: object = None, defaults: object = None) -> RoutingPolicy:
    """The policy a configuration's `models.routing` and `models.defaults` give (parsed once, by Settings)."""
    models = {k: v for k, v in (("routing", routing), ("defaults", defaults)) if v is not None}
    return RoutingPolicy.from_settings(structure({"models": models}, Settings, origin="config").models)


def test_routing_config_is_read_from_the_specifications_shape() -> None:
    policy = _policy(
        {"strategy": "cost-optimized", "fallbackChain": ["gemini-pro", "gpt-4", "claude-3"],
         "weights": {"cost": 2, "quality": 1, "performance": 0}},
        {"timeseries": "gemini-pro", "events": "gpt-4-turbo", "structured": "claude-3-sonnet"})
    assert policy.strategy == "cost" and policy.fallback_chain == ("gemini-pro", "gpt-4", "claude-3")
    assert policy.defaults["events"] == "gpt-4-turbo" and policy.weights == HybridWeights(2, 0, 1)
    run = policy.with_options(strategy="quality", fallback="a,b", auto_route=True)
    assert (run.strategy, run.fallback_chain, run.auto_route) == ("quality", ("a", "b"), True)


@pytest.mark.parametrize(("routing", "defaults", "message"), [
    ({"strategy": "random"}, None, "models.routing.strategy: 'random' is not one of"),
    ({"fallbackChain": ["a", "a"]}, None, "models.routing.fallbackChain: 'a' is listed twice"),
    ({"weights": {"cost": -1}}, None, "models.routing.weights.cost: must be a number >= 0"),
    ({"weights": {"cost": 0, "performance": 0, "quality": 0}}, None, "models.routing.weights: at least one"),
    ({"weights": {"speed": 1}}, None, "models.routing.weights.speed: unknown key"),
    (None, {"events": 3}, "models.defaults.events: expected a string"),
])
def test_bad_routing_config_is_refused_naming_the_key(routing: object, defaults: object, message: str) -> None:
    with pytest.raises(ConfigError, match="^config: " + message.replace(".", r"\.")):
        _policy(routing, defaults)


@pytest.mark.parametrize("value", ["", "a,,b", " , "])
def test_a_fallback_list_with_empty_names_is_refused(value: str) -> None:
    with pytest.raises(UsageError, match="--fallback: expected model names separated by commas"):
        parse_fallback(value, "--fallback")
