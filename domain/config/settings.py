"""Settings: the configuration as a tree of frozen values (the specification's `.agentic-synth.json`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from agentic_synth.domain.ai.ai_settings import DEFAULT_MIN_PROGRESS, DEFAULT_PROGRESS_WINDOW
from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS, OPENAI_COMPATIBLE, PROVIDER_TYPES
from agentic_synth.domain.ai.catalog import ALIASES, DEFAULT_MODELS
from agentic_synth.domain.ai.routing import STRATEGIES, STRATEGY_ALIASES, HybridWeights, parse_fallback
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.config.integrations import IntegrationsSettings
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.validators import check, not_negative, parses, positive
from agentic_synth.domain.errors import ConfigError, InvalidSetting, UsageError
from agentic_synth.domain.generation.requests import parse_duration, parse_rate

# Every default of the configuration is here, once (factories receive these frozen sections); the
# `integrations` sections are in domain/config/integrations.py.
CACHE_POLICIES = tuple(policy.value for policy in CachePolicy)
# The file takes the specification's spellings; the CLI's --strategy takes a few more (domain/ai/routing.py).
CONFIG_STRATEGY_ALIASES = {k: v for k, v in STRATEGY_ALIASES.items() if k.endswith("-optimized")}
# Providers that need no `type` or `baseUrl`: name -> (type, baseUrl).
KNOWN_PROVIDERS = {name: (p.type, p.base_url) for name, p in BUILTIN_PROVIDERS.items()}
DEFAULT_TIMEOUT_S = 60  # seconds (a whole number, as the starter file writes it)
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_CONCURRENCY = 8
_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _strategy(value: Any) -> Any:
    return CONFIG_STRATEGY_ALIASES.get(value, value) if isinstance(value, str) else value


def _fallback(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if value:
        try:
            parse_fallback(value, "fallbackChain")
        except UsageError as exc:
            raise InvalidSetting("fallbackChain", str(exc).split(": ", 1)[1]) from None


def _weights(instance: Any, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    known = [f.name for f in attrs.fields(HybridWeights)]
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise InvalidSetting(f"weights.{unknown[0]}", f"unknown key (known: {', '.join(known)})")
    try:
        HybridWeights(**value)
    except ConfigError as exc:
        key, _, message = str(exc).removeprefix("models.routing.").partition(": ")
        raise InvalidSetting(key, message) from None


@attrs.frozen
class ApiKeys:
    """The specification's `apiKeys`; each is a Secret (unset variables leave it "not set")."""

    gemini: Secret = attrs.field(factory=Secret)
    open_router: Secret = attrs.field(factory=Secret)


@attrs.frozen
class CacheSettings:
    """Response cache: size in entries and bytes, `ttl` in milliseconds (0: no expiry), where it lives
    (`persistPath`: a directory; "" keeps it in memory; unset: the default directory) and the default policy."""

    enabled: bool = True
    max_size: int = attrs.field(default=1000, validator=positive)
    max_bytes: int = attrs.field(default=256 * 2**20, validator=positive)
    ttl: int = attrs.field(default=3_600_000, validator=not_negative)
    persist_path: str | None = None
    policy: str = attrs.field(default="default", validator=check(
        lambda v: v in CACHE_POLICIES, "'{value}' is not one of " + ", ".join(CACHE_POLICIES)))

    @property
    def backend(self) -> str:
        """Which ResponseCache serves: none (disabled), memory (`persistPath: ""`) or sqlite."""
        if not self.enabled:
            return "none"
        return "memory" if self.persist_path == "" else "sqlite"

    @property
    def ttl_seconds(self) -> float | None:
        """The TTL in seconds; None when entries never expire (`ttl: 0`)."""
        return self.ttl / 1000 if self.ttl else None

    @property
    def default_policy(self) -> CachePolicy:
        return CachePolicy(self.policy)


@attrs.frozen
class CircuitBreakerSettings:
    """A model's breaker opens after `threshold` consecutive failures and half-opens after the cool-down."""

    threshold: int = attrs.field(default=3, validator=positive)
    cooldown_seconds: float = attrs.field(default=30.0, validator=not_negative)


@attrs.frozen
class RoutingSettings:
    """How a model is picked when the call names none, and what to fall back to."""

    strategy: str = attrs.field(default="cost", converter=_strategy, validator=check(
        lambda v: v in STRATEGIES, "'{value}' is not one of " + ", ".join(STRATEGIES)))
    fallback_chain: tuple[str, ...] = attrs.field(default=(), validator=_fallback)
    # hybrid strategy: cost, performance, quality (unset ones keep HybridWeights' defaults)
    weights: Mapping[str, float] = attrs.field(factory=dict, validator=_weights)
    circuit_breaker: CircuitBreakerSettings = attrs.field(factory=lambda: CircuitBreakerSettings())


@attrs.frozen
class ModelDefaults:
    """The model each built-in kind uses when the call names none (None: the router chooses)."""

    timeseries: str | None = None
    events: str | None = None
    structured: str | None = None


@attrs.frozen
class CatalogEntry:
    """A model's provider, prices in USD per million tokens, limits and relative scores (0..1).

    An entry for a model of the built-in catalog changes only what it gives (`provider` included).
    """

    RETIRED_KEYS: ClassVar[dict[str, str]] = {
        "speed": "not used by the router; give latencyMs (typical milliseconds) instead"}

    provider: str | None = None
    input_per_m_tok: float | None = attrs.field(default=None, validator=not_negative)
    output_per_m_tok: float | None = attrs.field(default=None, validator=not_negative)
    context_window: int | None = attrs.field(default=None, validator=positive)
    max_output_tokens: int | None = attrs.field(default=None, validator=positive)
    quality: float | None = attrs.field(default=None, validator=check(
        lambda v: 0 <= v <= 1, "must be between 0 and 1, got {value}"))
    latency_ms: float | None = attrs.field(default=None, validator=not_negative)
    json_output: bool | None = None
    streaming: bool | None = None


def _check_catalog(instance: Any, attribute: attrs.Attribute[Any], value: Mapping[str, CatalogEntry]) -> None:
    builtin = {m.name for m in DEFAULT_MODELS}
    for name, entry in value.items():
        if entry.provider is None and ALIASES.get(name, name) not in builtin:
            raise InvalidSetting(f"catalog.{name}.provider", "is required for a model that is not in the built-in "
                                                             "catalog")


@attrs.frozen
class ModelsSettings:
    routing: RoutingSettings = attrs.field(factory=RoutingSettings)
    defaults: ModelDefaults = attrs.field(factory=ModelDefaults)
    catalog: Mapping[str, CatalogEntry] = attrs.field(factory=dict, validator=_check_catalog)


@attrs.frozen
class ProviderSettings:
    """One AI provider: built-in (gemini, openrouter) or an OpenAI-compatible server of the user's."""

    type: str | None = attrs.field(default=None, validator=check(
        lambda v: v in PROVIDER_TYPES, "'{value}' is not one of " + ", ".join(PROVIDER_TYPES)))
    base_url: str | None = attrs.field(default=None, validator=check(
        lambda v: v.startswith(("http://", "https://")), "'{value}' is not an http(s) URL"))
    timeout: float = attrs.field(default=DEFAULT_TIMEOUT_S, validator=positive)
    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, validator=not_negative)
    max_concurrency: int = attrs.field(default=DEFAULT_MAX_CONCURRENCY, validator=positive)
    requests_per_minute: int | None = attrs.field(default=None, validator=positive)
    tokens_per_minute: int | None = attrs.field(default=None, validator=positive)
    api_key: Secret = attrs.field(factory=Secret)
    models: tuple[str, ...] = ()


@attrs.frozen
class TimeseriesDefaults:
    """Used when a call gives no --interval / --duration (None: the generator's own default)."""

    default_sample_rate: str | None = attrs.field(default=None, validator=parses(parse_duration))
    default_duration: str | None = attrs.field(default=None, validator=parses(parse_duration))


@attrs.frozen
class EventsDefaults:
    """Used when a call gives no --rate (None: the generator's own default)."""

    default_rate: str | None = attrs.field(default=None, validator=parses(parse_rate))


@attrs.frozen
class GeneratorsSettings:
    timeseries: TimeseriesDefaults = attrs.field(factory=TimeseriesDefaults)
    events: EventsDefaults = attrs.field(factory=EventsDefaults)


@attrs.frozen
class LLMSettings:
    """When an llm-mode run stops short of its count (docs/providers.md, "When a run stops").

    `maxCalls` and `timeout` (a duration: "90s", "10m") are limits of every run (`--max-calls`,
    `--timeout` override them); a run also stops when the last `progressWindow` calls together
    added fewer than `minProgress` (a share, 0.05 = 5 %) of the records they asked for, and fewer
    than one a call. `handOverAfter` (seconds): a model throttled with a longer Retry-After hands
    its calls to the next model of the chain at once.
    """

    max_calls: int | None = attrs.field(default=None, validator=positive)
    timeout: str | None = attrs.field(default=None, validator=parses(parse_duration))
    progress_window: int = attrs.field(default=DEFAULT_PROGRESS_WINDOW, validator=positive)
    min_progress: float = attrs.field(default=DEFAULT_MIN_PROGRESS, validator=check(
        lambda v: 0 <= v <= 1, "must be a share between 0 and 1, got {value}"))
    hand_over_after: float = attrs.field(default=5.0, validator=not_negative)


# generator kind -> option name -> the setting (attribute path) that gives its default
GENERATOR_OPTION_SETTINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "timeseries": {"interval": ("generators", "timeseries", "default_sample_rate"),
                   "duration": ("generators", "timeseries", "default_duration")},
    "events": {"rate": ("generators", "events", "default_rate")},
}


def _check_providers(instance: Any, attribute: attrs.Attribute[Any], value: Mapping[str, ProviderSettings]) -> None:
    for name, provider in value.items():
        if not _PROVIDER_NAME.match(name):
            raise InvalidSetting(f"providers.{name}", "provider names are lower-case letters, digits, '-', '_', '.'")
        if name not in KNOWN_PROVIDERS and provider.base_url is None:
            raise InvalidSetting(f"providers.{name}.baseUrl", "is required for a provider of your own")


@attrs.frozen
class Settings:
    """The whole configuration; `resolved()` fills in the built-in providers and their keys."""

    api_keys: ApiKeys = attrs.field(factory=ApiKeys)
    cache: CacheSettings = attrs.field(factory=CacheSettings)
    models: ModelsSettings = attrs.field(factory=ModelsSettings)
    providers: Mapping[str, ProviderSettings] = attrs.field(factory=dict, validator=_check_providers)
    integrations: IntegrationsSettings = attrs.field(factory=IntegrationsSettings)
    generators: GeneratorsSettings = attrs.field(factory=GeneratorsSettings)
    llm: LLMSettings = attrs.field(factory=LLMSettings)

    def key_for(self, provider: str) -> Secret:
        """The provider's key: its own `apiKey`, else `apiKeys.<name>` for the built-in ones."""
        own = self.providers.get(provider)
        if own is not None and own.api_key.is_set:
            return own.api_key
        builtin = BUILTIN_PROVIDERS.get(provider)
        return getattr(self.api_keys, builtin.key_setting) if builtin is not None else Secret()

    def resolved(self) -> Settings:
        """Every built-in provider present, with type, baseUrl and key filled in."""
        providers = dict(self.providers)
        for name in KNOWN_PROVIDERS:
            providers.setdefault(name, ProviderSettings())
        for name, provider in providers.items():
            kind, url = KNOWN_PROVIDERS.get(name, (OPENAI_COMPATIBLE, provider.base_url))
            providers[name] = attrs.evolve(provider, type=provider.type or kind, base_url=provider.base_url or url,
                                           api_key=self.key_for(name))
        return attrs.evolve(self, providers=providers)

    def secrets(self) -> list[Secret]:
        """Every key held, set or not (for redaction)."""
        return [*(getattr(self.api_keys, f.name) for f in attrs.fields(ApiKeys)),
                *(p.api_key for p in self.providers.values())]

    def usable_providers(self) -> dict[str, bool]:
        """Each known provider and whether it can be called: it has a key, or, for a provider of one's
        own, a `baseUrl` (local OpenAI-compatible servers often need no key)."""
        out = {name: self.key_for(name).is_set for name in BUILTIN_PROVIDERS}
        for name, provider in self.providers.items():
            out[name] = self.key_for(name).is_set or (name not in BUILTIN_PROVIDERS and provider.base_url is not None)
        return out

    def providers_with_keys(self) -> list[str]:
        """Names of providers that have a key (a keyless local server still needs a `baseUrl`)."""
        return [name for name in sorted(self.resolved().providers) if self.key_for(name).is_set]

    def generator_defaults(self, kind: str) -> dict[str, str]:
        """Options of `kind` that the configuration gives defaults for."""
        out = {}
        for option, path in GENERATOR_OPTION_SETTINGS.get(kind, {}).items():
            value: Any = self
            for part in path:
                value = getattr(value, part)
            if value is not None:
                out[option] = value
        return out
