"""A run's model stack, composed in one place: provider -> resilience -> budget -> cache -> router.

The provider adapters and their resilience (retries with backoff, rate limits, adaptive concurrency)
live as long as the container, because limits are per provider, not per run: `connect_providers`
builds them once from the `providers` settings. Each run that calls models gets the rest from
`compose_model_stack`: its own budget (or a batch's shared one), the response cache, and a router
with its ledger and circuit breakers. What a run names up front (models under a budget must have
prices) is checked before the first call, so a bad run fails before it writes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import attrs
from loguru import logger

from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.application.text_models.cached import CachedTextModel
from agentic_synth.application.text_models.dispatch import ProviderDispatchTextModel
from agentic_synth.application.text_models.router import RouterTextModel
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS, OPENAI_COMPATIBLE
from agentic_synth.domain.ai.catalog import Catalog
from agentic_synth.domain.ai.ledger import CostLedger
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import RoutingPolicy
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.config.settings import ProviderSettings, Settings
from agentic_synth.domain.errors import ConfigError
from agentic_synth.domain.generation.results import ModelUsage, RunMetadata
from agentic_synth.domain.ports import Clock, ResponseCache, TextModel

AdapterFactory = Callable[..., TextModel]  # (provider type key, *, name, settings) -> the provider's adapter


def adapter_key(provider_type: str) -> str:
    """The container's name for a provider type's adapter factory (`openai-compatible` -> `openai_compatible`)."""
    return provider_type.replace("-", "_")


def connect_providers(settings: Settings, adapters: AdapterFactory, clock: Clock) -> ProviderDispatchTextModel:
    """Provider -> resilience, for every usable provider: its adapter (chosen by type) inside retries and limits.

    Gemini and OpenRouter exist without a `providers` entry once their key is set; a provider of
    one's own is an OpenAI-compatible server at its `baseUrl` (its key is optional: local servers).
    """
    from agentic_synth.adapters.providers.resilience import Limits, ResilientTextModel, RetryPolicy  # tenacity

    models: dict[str, TextModel] = {}
    unavailable: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    types: dict[str, str] = {}
    for name, spec in settings.resolved().providers.items():
        kind = spec.type or OPENAI_COMPATIBLE
        types[name], listed[name] = kind, list(spec.models)
        reason = _unavailable(name, kind, spec)
        if reason is not None:
            unavailable[name] = reason
            continue
        limits = Limits(max_concurrency=spec.max_concurrency, requests_per_minute=spec.requests_per_minute,
                        tokens_per_minute=spec.tokens_per_minute)
        models[name] = ResilientTextModel(adapters(adapter_key(kind), name=name, settings=spec), clock,
                                          policy=RetryPolicy(max_retries=spec.max_retries), limits=limits)
    return ProviderDispatchTextModel(models, provider_models=listed, provider_types=types, unavailable=unavailable)


def provider_set(settings: Settings, adapters: AdapterFactory, clock: Clock) -> Iterator[ProviderDispatchTextModel]:
    """The container's providers as a resource: connected when first used, their HTTP clients closed at shutdown."""
    dispatch = connect_providers(settings, adapters, clock)
    try:
        yield dispatch
    finally:
        for model in dispatch.models.values():
            close = getattr(model, "close", None)
            if callable(close):
                close()


def _unavailable(name: str, kind: str, spec: ProviderSettings) -> str | None:
    if kind in BUILTIN_PROVIDERS and not spec.api_key.is_set:
        how = BUILTIN_PROVIDERS[kind].hint if name == kind else f"set providers.{name}.apiKey"
        return f"no API key; {how}"
    if kind == OPENAI_COMPATIBLE and not spec.base_url:
        return f"no baseUrl; set providers.{name}.baseUrl (e.g. http://localhost:11434/v1 for Ollama)"
    return None


def catalog_of(settings: Settings) -> Catalog:
    """The built-in catalog, with `models.catalog` entries and the models listed under `providers.<name>.models`."""
    served = {model: name for name, spec in settings.providers.items() for model in spec.models}
    return Catalog.from_settings(settings.models.catalog).with_models(served)


@attrs.define
class ModelStack:
    """What a run that calls models needs: the router to call, its budget and ledger, and the cache layers."""

    text_model: RouterTextModel
    budget: Budget
    ledger: CostLedger
    catalog: Catalog
    policy: RoutingPolicy
    caches: list[CachedTextModel] = attrs.field(factory=list)

    def ensure_usable(self, kind: str) -> None:
        """A run that lets the router choose needs at least one model some provider can call."""
        router = self.text_model
        if not any(router.usable(m) for m in router.chain(ModelRequest(prompt="", kind=kind))):
            names = ", ".join(provider.key_env[0] for provider in BUILTIN_PROVIDERS.values())
            raise ConfigError(f"--auto-route: no model is usable: set an API key ({names}) "
                              "or configure a provider of your own under providers")

    def report_into(self, meta: RunMetadata) -> None:
        """What the run's metadata gets from the stack: cache hits and misses, and the failures of each
        model the router handed over from (they produced no records, but the user should see them)."""
        for layer in self.caches:
            layer.tally().add_to(meta)
        for entry in self.ledger.entries():
            if entry.failures:
                usage = meta.models.setdefault(entry.model, ModelUsage())
                usage.failures = max(usage.failures, entry.failures)
        for model, (tokens_in, tokens_out, cost) in self.ledger.charges().items():
            # failed attempts that may have been billed, and calls still in flight: their worst case
            usage = meta.models.setdefault(model, ModelUsage())
            usage.tokens_in += tokens_in
            usage.tokens_out += tokens_out
            usage.cost_usd += float(cost)

    def usage_into(self, meta: RunMetadata) -> None:
        """The whole ledger onto `meta`: spend, tokens and records per model, cache hits, notes (for callers
        that drive the router themselves, without the generate use case's own tally)."""
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


def compose_model_stack(settings: Settings, providers: Mapping[str, TextModel], *, clock: Clock,
                        catalog: Catalog | None = None, routing: RunRouting | None = None, kind: str | None = None,
                        model: str | None = None, cache: ResponseCache | None = None, budget: Budget | None = None,
                        warn: Callable[[str], None] | None = None) -> ModelStack:
    """Budget -> cache -> router over `providers` (name -> a provider already inside its resilience).

    `budget` (a batch's, shared by its jobs) is drawn on instead of a budget of the run's own;
    without `cache` the replies are not cached (tests and benchmarks of the router alone).
    """
    routing = routing if routing is not None else RunRouting()
    warn = warn or (lambda message: logger.warning(message))
    catalog = catalog if catalog is not None else catalog_of(settings)
    policy = RoutingPolicy.from_settings(settings.models).with_options(
        strategy=routing.strategy, fallback=routing.fallback, auto_route=routing.auto_route or None)
    budget = budget if budget is not None else Budget(routing.budget_usd)
    if routing.budget_usd is not None:
        default = policy.defaults.get(kind) if kind is not None and not model else None
        check_prices(catalog, [*policy.fallback_chain, *filter(None, (model, default))])
    caches: list[CachedTextModel] = []
    targets: dict[str, TextModel] = {}
    ledger = CostLedger()  # the budget layers note each attempt in it (failed ones are charged their worst case)
    for name, provider in providers.items():
        budgeted = BudgetedTextModel(provider, catalog, budget, warn=warn, wait_for_room=True, ledger=ledger)
        if cache is None:
            targets[name] = budgeted
            continue
        cached = CachedTextModel(budgeted, cache, clock=clock, policy=settings.cache.default_policy)
        caches.append(cached)
        targets[name] = cached
    breaker = settings.models.routing.circuit_breaker
    router = RouterTextModel(targets, catalog, policy, clock=clock, ledger=ledger, breaker_threshold=breaker.threshold,
                             breaker_cooldown_s=breaker.cooldown_seconds, hand_over_after=settings.llm.hand_over_after,
                             require_prices=routing.budget_usd is not None, warn=warn)
    return ModelStack(router, budget, ledger, catalog, policy, caches)
