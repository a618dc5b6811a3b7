"""Build the model stack (router over cache over budget over providers) from config and run options."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from loguru import logger

from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.application.text_models.cached import CachedTextModel
from agentic_synth.application.text_models.router import RouterTextModel
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.ai.catalog import PROVIDERS, Catalog
from agentic_synth.domain.ai.ledger import CostLedger
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import RoutingPolicy, parse_fallback, parse_strategy
from agentic_synth.domain.errors import ConfigError, UsageError
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.results import ModelUsage, RunMetadata
from agentic_synth.domain.ports import Clock, TextModel

# The key of each built-in provider in config `apiKeys`.
API_KEY_NAMES = {"gemini": "gemini", "openrouter": "openRouter"}


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path}: must be an object")
    return value


def _present(secret: Any) -> bool:
    """Is a key set? (a plain string or issue 5's Secret; never revealed here)"""
    if isinstance(secret, str):
        return bool(secret.strip())
    return secret is not None and bool(secret)  # a Secret is falsy when not set


def usable_providers(config: Mapping[str, Any]) -> dict[str, bool]:
    """Each known provider and whether it can be called: a key in `apiKeys` or `providers.<name>.apiKey`,
    or, for a provider of your own, a `baseUrl` (local OpenAI-compatible servers often need no key)."""
    keys = _mapping(config.get("apiKeys"), "apiKeys")
    configured = _mapping(config.get("providers"), "providers")
    out = {name: _present(keys.get(key)) for name, key in API_KEY_NAMES.items()}
    for name, raw in configured.items():
        settings = _mapping(raw, f"providers.{name}")
        own = _present(settings.get("apiKey")) or (name not in PROVIDERS and _present(settings.get("baseUrl")))
        out[name] = out.get(name, False) or own
    return out


def catalog_from_config(config: Mapping[str, Any]) -> Catalog:
    """The built-in catalog, with `models.catalog` entries and models listed under `providers.<name>.models`."""
    models = _mapping(config.get("models"), "models")
    catalog = Catalog.from_payload(models.get("catalog"))
    served: dict[str, str] = {}
    for name, raw in _mapping(config.get("providers"), "providers").items():
        listed = _mapping(raw, f"providers.{name}").get("models") or []
        if not isinstance(listed, list | tuple) or not all(isinstance(m, str) for m in listed):
            raise ConfigError(f"providers.{name}.models: must be a list of model names")
        served.update(dict.fromkeys(listed, name))
    return catalog.with_models(served)


def breaker_from_config(config: Mapping[str, Any]) -> tuple[int, float]:
    """`models.routing.circuitBreaker.{threshold, cooldownSeconds}` (defaults 3 and 30)."""
    routing = _mapping(_mapping(config.get("models"), "models").get("routing"), "models.routing")
    raw = _mapping(routing.get("circuitBreaker"), "models.routing.circuitBreaker")
    threshold, cooldown = raw.get("threshold", 3), raw.get("cooldownSeconds", 30)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ConfigError(f"models.routing.circuitBreaker.threshold: must be a whole number >= 1, got {threshold!r}")
    if isinstance(cooldown, bool) or not isinstance(cooldown, int | float) or not 0 <= cooldown < math.inf:
        raise ConfigError(f"models.routing.circuitBreaker.cooldownSeconds: must be a number >= 0, got {cooldown!r}")
    return threshold, float(cooldown)


def policy_from_config(config: Mapping[str, Any]) -> RoutingPolicy:
    models = _mapping(config.get("models"), "models")
    return RoutingPolicy.from_payload(models.get("routing"), models.get("defaults"))


@attrs.frozen
class RunRouting:
    """A run's own routing options: --strategy, --fallback, --auto-route, --budget (or SDK keywords)."""

    strategy: str | None = None
    fallback: tuple[str, ...] | None = None
    auto_route: bool = False
    budget_usd: float | None = None

    @classmethod
    def from_values(cls, *, strategy: Any = None, fallback: Any = None, auto_route: Any = False,
                    budget: Any = None) -> RunRouting:
        """Validate CLI/SDK values; raises UsageError naming the option."""
        if budget is not None:
            try:
                amount = float(str(budget).strip().lstrip("$")) if not isinstance(budget, bool) else math.nan
            except ValueError:
                amount = math.nan
            if not math.isfinite(amount) or amount <= 0:
                raise UsageError(f"--budget: expected a positive amount in USD (like 0.10), got '{budget}'")
            budget = amount
        if not isinstance(auto_route, bool):
            raise UsageError(f"auto_route must be true or false, got {auto_route!r}")
        return cls(strategy=None if strategy is None else parse_strategy(strategy, "--strategy"),
                   fallback=None if fallback is None else parse_fallback(fallback, "--fallback"),
                   auto_route=auto_route, budget_usd=budget)

    @property
    def given(self) -> bool:
        return self.strategy is not None or self.fallback is not None or self.auto_route or self.budget_usd is not None


@attrs.define
class ModelStack:
    """What a run that calls models needs: the TextModel to call, and its budget and ledger to report."""

    text_model: RouterTextModel
    budget: Budget
    ledger: CostLedger
    catalog: Catalog
    policy: RoutingPolicy

    def report_into(self, meta: RunMetadata) -> None:
        """Put the ledger on a run's metadata: spend, tokens and records per model, cache hits, notes."""
        meta.models.update(self.ledger.usage())
        meta.cache_hits += self.ledger.cache_hits
        meta.notes.extend(self.ledger.notes())


def check_prices(catalog: Catalog, names: list[str]) -> None:
    """Under a budget, every model named up front must have prices (else its cost has no bound)."""
    for name in names:
        info = catalog.get(name)
        if info is None or not info.priced:
            raise ConfigError(f"--budget: the price of model '{name}' is unknown, so its cost cannot be capped; "
                              f"give models.catalog.\"{name}\".inputPerMTok and outputPerMTok in the config, "
                              f"or run without a budget")


def build_model_stack(*, config: Mapping[str, Any], providers: Mapping[str, TextModel], clock: Clock,
                      run: RunRouting | None = None, kind: str | None = None, model: str | None = None,
                      cache: Callable[[TextModel], TextModel] | None = None,
                      warn: Callable[[str], None] | None = None,
                      shared_budget: Budget | None = None) -> ModelStack:
    """Router -> cache -> budget -> provider (providers already carry their retries).

    `providers` maps provider names to their TextModels; `cache` wraps a budgeted model in the
    response cache (issue 8). Everything named up front is checked before any call. `shared_budget`
    (a batch's) is drawn on instead of a budget of the run's own.
    """
    run = run or RunRouting()
    warn = warn or (lambda message: logger.warning(message))
    catalog = catalog_from_config(config)
    policy = policy_from_config(config).with_options(strategy=run.strategy, fallback=run.fallback,
                                                     auto_route=run.auto_route or None)
    budget = shared_budget if shared_budget is not None else Budget(run.budget_usd)
    if run.budget_usd is not None:
        named = [*policy.fallback_chain, *([model] if model else []),
                 *([policy.defaults[kind]] if kind is not None and kind in policy.defaults and not model else [])]
        check_prices(catalog, named)
    ledger = CostLedger()
    targets: dict[str, TextModel] = {}
    for name, provider_model in providers.items():
        budgeted: TextModel = BudgetedTextModel(provider_model, catalog, budget, warn=warn, wait_for_room=True,
                                                ledger=ledger)
        targets[name] = cache(budgeted) if cache is not None else budgeted
    threshold, cooldown = breaker_from_config(config)
    hand_over = _mapping(config.get("llm"), "llm").get("handOverAfter", 5.0)  # validated by Settings (llm.*)
    router = RouterTextModel(targets, catalog, policy, clock=clock, ledger=ledger, breaker_threshold=threshold,
                             hand_over_after=float(hand_over),
                             breaker_cooldown_s=cooldown, require_prices=run.budget_usd is not None, warn=warn)
    return ModelStack(router, budget, ledger, catalog, policy)


class RunTextModels:
    """The TextModel of one run: router -> (cache) -> budget -> providers, built fresh per run.

    A `text_model` override (tests, embedding apps) is used as it is, without routing or budget.
    """

    def __init__(self, *, text_model: Any, model_stack: Callable[..., ModelStack],
                 cache: Callable[..., CachedTextModel] | None = None) -> None:
        self._text_model = text_model
        self._model_stack = model_stack
        self._cache = cache
        self._caches: list[CachedTextModel] = []
        self._stacks: list[ModelStack] = []

    def _cached(self, inner: TextModel) -> TextModel:
        assert self._cache is not None
        layer = self._cache(inner=inner)
        self._caches.append(layer)
        return layer

    def report_into(self, meta: RunMetadata) -> None:
        """Cache hits and misses of the run's calls (the cache layers built for it), and the failures
        of each model the router handed over from (they produced no records, but the user should see them)."""
        for layer in self._caches:
            layer.tally().add_to(meta)
        for stack in self._stacks:
            for entry in stack.ledger.entries():
                if entry.failures:
                    usage = meta.models.setdefault(entry.model, ModelUsage())
                    usage.failures = max(usage.failures, entry.failures)
            for model, (tokens_in, tokens_out, cost) in stack.ledger.charges().items():
                # failed attempts that may have been billed, and calls still in flight: their worst case
                usage = meta.models.setdefault(model, ModelUsage())
                usage.tokens_in += tokens_in
                usage.tokens_out += tokens_out
                usage.cost_usd += float(cost)

    @staticmethod
    def routing(ai: AISettings) -> RunRouting:
        return RunRouting(strategy=ai.strategy, fallback=ai.fallback, auto_route=ai.auto_route,
                          budget_usd=ai.budget_usd)

    def stack(self, kind: str, ai: AISettings) -> ModelStack:
        return self._model_stack(run=self.routing(ai), kind=kind, model=ai.model,
                                 cache=self._cached if self._cache is not None else None)

    def check(self, kind: str, ai: AISettings) -> None:
        """Fail before any output when the run cannot be routed (unpriced models under a budget...)."""
        if self._text_model.overridden:
            return
        router = self.stack(kind, ai).text_model
        if ai.model is None and not any(router.usable(m) for m in router.chain(ModelRequest(prompt="", kind=kind))):
            raise ConfigError("--auto-route: no model is usable: set an API key (GEMINI_API_KEY, OPENROUTER_API_KEY) "
                              "or configure a provider of your own under providers")

    def __call__(self, request: GenerationRequest) -> TextModel:
        if self._text_model.overridden:
            model: TextModel = self._text_model()
            return model
        assert request.ai is not None
        stack = self.stack(request.kind, request.ai)
        self._stacks.append(stack)
        return stack.text_model
