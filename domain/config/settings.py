"""Settings: the configuration as a tree of frozen values (the specification's `.agentic-synth.json`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from agentic_synth.domain.config.display import shown
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.errors import InvalidSetting, UsageError
from agentic_synth.domain.generation.requests import parse_duration, parse_rate

CACHE_POLICIES = ("none", "default", "aggressive")
STRATEGIES = ("cost", "performance", "quality", "hybrid")
STRATEGY_ALIASES = {"cost-optimized": "cost", "performance-optimized": "performance",
                    "quality-optimized": "quality"}
PROVIDER_TYPES = ("gemini", "openrouter", "openai-compatible")
# Providers that need no `type` or `baseUrl`: name -> (type, baseUrl).
KNOWN_PROVIDERS = {
    "gemini": ("gemini", "https://generativelanguage.googleapis.com"),
    "openrouter": ("openrouter", "https://openrouter.ai/api/v1"),
}
# Where a provider's key lives in `apiKeys` (the specification's names).
API_KEY_NAMES = {"gemini": "gemini", "openrouter": "open_router"}
_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def camel_key(name: str) -> str:
    """snake_case attribute name -> the camelCase key of the file (`max_size` -> `maxSize`)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _check(test: Callable[[Any], bool], message: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, float) and not math.isfinite(value):  # JSON's 1e400 parses as inf
            raise InvalidSetting(camel_key(attribute.name), f"must be a finite number, got {value}")
        if value is not None and not test(value):
            raise InvalidSetting(camel_key(attribute.name), message.format(value=shown(value)))
    return validate


def _parses(parse: Callable[[Any, str], float]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            try:
                parse(value, camel_key(attribute.name))
            except UsageError as exc:
                raise InvalidSetting(camel_key(attribute.name), str(exc).split(": ", 1)[1]) from None
    return validate


_positive = _check(lambda v: v > 0, "must be greater than 0, got {value}")
_not_negative = _check(lambda v: v >= 0, "must be 0 or more, got {value}")


def _strategy(value: Any) -> Any:
    return STRATEGY_ALIASES.get(value, value) if isinstance(value, str) else value


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
    max_size: int = attrs.field(default=1000, validator=_positive)
    max_bytes: int = attrs.field(default=256 * 2**20, validator=_positive)
    ttl: int = attrs.field(default=3_600_000, validator=_not_negative)
    persist_path: str | None = None
    policy: str = attrs.field(default="default", validator=_check(
        lambda v: v in CACHE_POLICIES, "'{value}' is not one of " + ", ".join(CACHE_POLICIES)))


@attrs.frozen
class CircuitBreakerSettings:
    """A model's breaker opens after `threshold` consecutive failures and half-opens after the cool-down."""

    threshold: int = attrs.field(default=3, validator=_positive)
    cooldown_seconds: float = attrs.field(default=30.0, validator=_not_negative)


@attrs.frozen
class RoutingSettings:
    """How a model is picked when the call names none, and what to fall back to."""

    strategy: str = attrs.field(default="cost", converter=_strategy, validator=_check(
        lambda v: v in STRATEGIES, "'{value}' is not one of " + ", ".join(STRATEGIES)))
    fallback_chain: tuple[str, ...] = ()
    weights: Mapping[str, float] = attrs.field(factory=dict)  # hybrid strategy: cost, performance, quality
    circuit_breaker: CircuitBreakerSettings = attrs.field(factory=lambda: CircuitBreakerSettings())


@attrs.frozen
class ModelDefaults:
    """The model each built-in kind uses when the call names none (None: the router chooses)."""

    timeseries: str | None = None
    events: str | None = None
    structured: str | None = None


@attrs.frozen
class CatalogEntry:
    """A model's provider, prices in USD per million tokens, limits and relative scores (0..1)."""

    provider: str
    input_per_m_tok: float | None = attrs.field(default=None, validator=_not_negative)
    output_per_m_tok: float | None = attrs.field(default=None, validator=_not_negative)
    context_window: int | None = attrs.field(default=None, validator=_positive)
    max_output_tokens: int | None = attrs.field(default=None, validator=_positive)
    quality: float | None = attrs.field(default=None, validator=_check(
        lambda v: 0 <= v <= 1, "must be between 0 and 1, got {value}"))
    latency_ms: float | None = attrs.field(default=None, validator=_not_negative)
    json_output: bool | None = None
    streaming: bool | None = None


@attrs.frozen
class ModelsSettings:
    routing: RoutingSettings = attrs.field(factory=RoutingSettings)
    defaults: ModelDefaults = attrs.field(factory=ModelDefaults)
    catalog: Mapping[str, CatalogEntry] = attrs.field(factory=dict)


@attrs.frozen
class ProviderSettings:
    """One AI provider: built-in (gemini, openrouter) or an OpenAI-compatible server of the user's."""

    type: str | None = attrs.field(default=None, validator=_check(
        lambda v: v in PROVIDER_TYPES, "'{value}' is not one of " + ", ".join(PROVIDER_TYPES)))
    base_url: str | None = attrs.field(default=None, validator=_check(
        lambda v: v.startswith(("http://", "https://")), "'{value}' is not an http(s) URL"))
    timeout: float = attrs.field(default=60.0, validator=_positive)
    max_retries: int = attrs.field(default=3, validator=_not_negative)
    max_concurrency: int = attrs.field(default=8, validator=_positive)
    requests_per_minute: int | None = attrs.field(default=None, validator=_positive)
    tokens_per_minute: int | None = attrs.field(default=None, validator=_positive)
    api_key: Secret = attrs.field(factory=Secret)
    models: tuple[str, ...] = ()


@attrs.frozen
class MidstreamerSettings:
    enabled: bool = False
    default_pipeline: str = "synthetic-data"


@attrs.frozen
class AgenticRoboticsSettings:
    enabled: bool = False


@attrs.frozen
class RuvectorSettings:
    enabled: bool = False
    db_path: str = "./data/vectors.db"


@attrs.frozen
class IntegrationsSettings:
    """The optional integrations; each needs its package installed as well as `enabled`."""

    midstreamer: MidstreamerSettings = attrs.field(factory=MidstreamerSettings)
    agentic_robotics: AgenticRoboticsSettings = attrs.field(factory=AgenticRoboticsSettings)
    ruvector: RuvectorSettings = attrs.field(factory=RuvectorSettings)


@attrs.frozen
class TimeseriesDefaults:
    """Used when a call gives no --interval / --duration (None: the generator's own default)."""

    default_sample_rate: str | None = attrs.field(default=None, validator=_parses(parse_duration))
    default_duration: str | None = attrs.field(default=None, validator=_parses(parse_duration))


@attrs.frozen
class EventsDefaults:
    """Used when a call gives no --rate (None: the generator's own default)."""

    default_rate: str | None = attrs.field(default=None, validator=_parses(parse_rate))


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

    max_calls: int | None = attrs.field(default=None, validator=_positive)
    timeout: str | None = attrs.field(default=None, validator=_parses(parse_duration))
    progress_window: int = attrs.field(default=8, validator=_positive)
    min_progress: float = attrs.field(default=0.05, validator=_check(
        lambda v: 0 <= v <= 1, "must be a share between 0 and 1, got {value}"))
    hand_over_after: float = attrs.field(default=5.0, validator=_not_negative)


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
        attr = API_KEY_NAMES.get(provider)
        return getattr(self.api_keys, attr) if attr is not None else Secret()

    def resolved(self) -> Settings:
        """Every built-in provider present, with type, baseUrl and key filled in."""
        providers = dict(self.providers)
        for name in KNOWN_PROVIDERS:
            providers.setdefault(name, ProviderSettings())
        for name, provider in providers.items():
            kind, url = KNOWN_PROVIDERS.get(name, ("openai-compatible", provider.base_url))
            providers[name] = attrs.evolve(provider, type=provider.type or kind, base_url=provider.base_url or url,
                                           api_key=self.key_for(name))
        return attrs.evolve(self, providers=providers)

    def secrets(self) -> list[Secret]:
        """Every key held, set or not (for redaction)."""
        return [self.api_keys.gemini, self.api_keys.open_router, *(p.api_key for p in self.providers.values())]

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
