"""Model routing: strategies, candidate filtering, observed latency and the fallback plan."""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import approx_tokens, worst_case_cost
from agentic_synth.domain.ai.model_names import resolve_model
from agentic_synth.domain.ai.models import ModelRequest

if TYPE_CHECKING:
    from agentic_synth.domain.config.settings import ModelsSettings
from agentic_synth.domain.errors import ConfigError, UsageError

STRATEGIES = ("cost", "performance", "quality", "hybrid")
STRATEGY_ALIASES = {"cost-optimized": "cost", "cheapest": "cost", "performance-optimized": "performance",
                    "fastest": "performance", "quality-optimized": "quality", "best": "quality",
                    "balanced": "hybrid"}
KINDS = ("timeseries", "events", "structured")


def parse_strategy(value: Any, what: str = "strategy") -> str:
    """'cost', 'performance', 'quality', 'hybrid' (or the spec's 'cost-optimized' and friends)."""
    text = str(value).strip().lower()
    text = STRATEGY_ALIASES.get(text, text)
    if text not in STRATEGIES:
        raise UsageError(f"{what}: '{value}' is not a routing strategy; use one of {', '.join(STRATEGIES)}")
    return text


def parse_fallback(value: Any, what: str = "fallback") -> tuple[str, ...]:
    """'a,b,c' or a list of names -> ('a', 'b', 'c'): no empty names, no repeats."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Sequence) or isinstance(items, bytes):
        raise UsageError(f"{what}: expected model names separated by commas, got {value!r}")
    names = tuple(str(item).strip() for item in items)
    if not names or any(not name for name in names):
        raise UsageError(f"{what}: expected model names separated by commas, got '{value}'")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{what}: '{repeated[0]}' is listed twice")
    return names


def _weight(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"models.routing.weights.{attribute.name}: must be a number >= 0, got {value!r}")


@attrs.frozen
class HybridWeights:
    """How much the hybrid strategy cares about price, speed and quality (any scale, not all 0)."""

    cost: float = attrs.field(default=0.4, validator=_weight)
    performance: float = attrs.field(default=0.2, validator=_weight)
    quality: float = attrs.field(default=0.4, validator=_weight)

    def __attrs_post_init__(self) -> None:
        if self.cost + self.performance + self.quality <= 0:
            raise ConfigError("models.routing.weights: at least one weight must be above 0")


@attrs.frozen
class RoutingPolicy:
    """Which model to try first and which next: from config, then overridden by CLI/SDK options."""

    strategy: str = "cost"
    fallback_chain: tuple[str, ...] = ()
    defaults: Mapping[str, str] = attrs.field(factory=dict)
    auto_route: bool = False
    weights: HybridWeights = attrs.field(factory=HybridWeights)

    @classmethod
    def from_settings(cls, models: ModelsSettings) -> RoutingPolicy:
        """From the configuration's `models.routing` and `models.defaults` (already validated by Settings)."""
        routing = models.routing
        defaults = {kind: name for kind in KINDS if (name := getattr(models.defaults, kind, None))}
        return cls(strategy=routing.strategy, fallback_chain=routing.fallback_chain, defaults=defaults,
                   weights=HybridWeights(**routing.weights))

    def with_options(self, *, strategy: str | None = None, fallback: Any = None,
                     auto_route: bool | None = None) -> RoutingPolicy:
        """The policy with a run's own options (--strategy, --fallback, --auto-route) on top."""
        changes: dict[str, Any] = {}
        if strategy is not None:
            changes["strategy"] = parse_strategy(strategy, "--strategy")
        if fallback is not None:
            changes["fallback_chain"] = parse_fallback(fallback, "--fallback")
        if auto_route is not None:
            changes["auto_route"] = auto_route
        return attrs.evolve(self, **changes)


class LatencyTracker:
    """Exponential moving average of observed latency per model (thread-safe)."""

    def __init__(self, alpha: float = 0.3) -> None:
        if not 0 < alpha <= 1:
            raise ValueError("alpha must be in (0, 1]")
        self.alpha = alpha
        self._ms: dict[str, float] = {}
        self._lock = threading.Lock()

    def observe(self, model: str, seconds: float) -> None:
        with self._lock:
            ms = seconds * 1000.0
            old = self._ms.get(model)
            self._ms[model] = ms if old is None else old + self.alpha * (ms - old)

    def get(self, model: str) -> float | None:
        with self._lock:
            return self._ms.get(model)


def unfit_reason(model: ModelInfo, request: ModelRequest, *, streaming: bool = False,
                 prompt_tokens: int | None = None) -> str | None:
    """Why a model cannot serve a request (None when it can); `prompt_tokens` saves recounting."""
    if request.json_schema is not None and not model.json_output:
        return "has no structured (JSON) output"
    if streaming and not model.streaming:
        return "does not stream"
    if model.context_window is not None:
        needed = prompt_tokens if prompt_tokens is not None else (
            approx_tokens(request.prompt) + approx_tokens(request.system or ""))
        needed += min(request.max_output_tokens, model.max_output_tokens or request.max_output_tokens)
        if needed > model.context_window:
            return f"context window of {model.context_window} tokens is too small (~{needed} needed)"
    return None


def candidates(catalog: Catalog, request: ModelRequest, usable_providers: Collection[str], *,
               require_prices: bool = False, streaming: bool = False) -> list[ModelInfo]:
    """Catalog models whose provider is usable and that can serve the request."""
    prompt_tokens = approx_tokens(request.prompt) + approx_tokens(request.system or "")
    return [m for m in catalog if m.provider in usable_providers
            and (m.priced or not require_prices)
            and unfit_reason(m, request, streaming=streaming, prompt_tokens=prompt_tokens) is None]


def _latency(model: ModelInfo, latency: LatencyTracker | None) -> float:
    observed = latency.get(model.name) if latency is not None else None
    if observed is not None:
        return observed
    return model.latency_ms if model.latency_ms is not None else math.inf


def _cost(model: ModelInfo, request: ModelRequest) -> float:
    cost = worst_case_cost(model, request)
    return float(cost) if cost is not None else math.inf


def _scaled(values: list[float], *, log: bool) -> list[float]:
    """1 for the best (smallest) value, 0 for the worst or unknown, linear (or log) in between."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return [0.0 for _ in values]
    view = (lambda v: math.log(max(v, 1e-12))) if log else (lambda v: v)
    low, high = view(min(finite)), view(max(finite))
    span = high - low
    return [0.0 if not math.isfinite(v) else (1.0 if span == 0 else (high - view(v)) / span) for v in values]


def hybrid_scores(models: Sequence[ModelInfo], request: ModelRequest, weights: HybridWeights,
                  latency: LatencyTracker | None = None) -> list[float]:
    """Weighted score per model: cost (log-scaled, cheaper is better), latency, quality."""
    cost = _scaled([_cost(m, request) for m in models], log=True)
    speed = _scaled([_latency(m, latency) for m in models], log=False)
    total = weights.cost + weights.performance + weights.quality
    return [(weights.cost * c + weights.performance * s + weights.quality * (m.quality or 0.0)) / total
            for m, c, s in zip(models, cost, speed, strict=True)]


def rank(models: Sequence[ModelInfo], request: ModelRequest, strategy: str,
         weights: HybridWeights | None = None, latency: LatencyTracker | None = None) -> list[ModelInfo]:
    """Models best first under a strategy; ties go to the better quality, then the name."""
    strategy = parse_strategy(strategy)
    if strategy == "hybrid":
        scores = hybrid_scores(models, request, weights or HybridWeights(), latency)
        order = sorted(zip(models, scores, strict=True), key=lambda ms: (-ms[1], ms[0].name))
        return [m for m, _ in order]
    keys = {
        "cost": lambda m: (_cost(m, request), -(m.quality or 0.0), m.name),
        "performance": lambda m: (_latency(m, latency), -(m.quality or 0.0), m.name),
        "quality": lambda m: (-(m.quality if m.quality is not None else -1.0), _cost(m, request), m.name),
    }
    return sorted(models, key=keys[strategy])


def resolve(catalog: Catalog, name: str, provider: str | None, usable_providers: Collection[str]) -> ModelInfo:
    """A named model's entry; a name the catalog lacks is kept as given, unpriced.

    Whose model an unknown name is comes from `provider`, else from the only usable provider.
    """
    info = catalog.get(name)
    if info is not None:
        return info if provider is None or provider == info.provider else attrs.evolve(info, provider=provider)
    if provider is None:
        try:  # gemini-* to gemini, vendor/model to openrouter (domain.model_names)
            provider = resolve_model(name).provider
        except UsageError:
            provider = None
    if provider is None and len(usable_providers) == 1:
        provider = next(iter(usable_providers))
    if provider is None:
        raise UsageError(f"model '{name}' is not in the catalog; say whose it is with --provider "
                         f"(or add it to models.catalog in the config)")
    return catalog.lookup(name, provider)


def plan(request: ModelRequest, catalog: Catalog, policy: RoutingPolicy, usable_providers: Collection[str], *,
         latency: LatencyTracker | None = None, require_prices: bool = False) -> list[ModelInfo]:
    """The models to try for a request, in order: the first choice, then its fallbacks.

    A pinned model (`request.model`) comes first; otherwise the per-kind default (unless
    auto-routing), otherwise the strategy's best among usable models. Then the fallback chain,
    or, without one, the rest of the strategy's ranking.
    """
    def named(name: str, provider: str | None = None) -> ModelInfo:
        return resolve(catalog, name, provider, usable_providers)

    ranked: list[ModelInfo] | None = None
    if request.model is not None:
        first = [named(request.model, request.provider)]
    elif not policy.auto_route and request.kind in policy.defaults:
        first = [named(policy.defaults[request.kind])]
    elif policy.fallback_chain and not policy.auto_route:
        first = []
    else:
        pool = candidates(catalog, request, usable_providers, require_prices=require_prices)
        ranked = rank(pool, request, policy.strategy, policy.weights, latency)
        first = ranked[:1]
    rest = [named(name) for name in policy.fallback_chain]
    if not rest and ranked is not None:
        rest = ranked[1:]
    chain: dict[str, ModelInfo] = {}
    for model in first + rest:
        chain.setdefault(model.name, model)
    return list(chain.values())

