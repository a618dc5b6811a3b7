"""The model catalog: prices, limits, capabilities, quality and latency of known models."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from agentic_synth.domain.errors import ConfigError

if TYPE_CHECKING:
    from agentic_synth.domain.config.settings import CatalogEntry

# List prices in USD per million tokens, as published by Google and OpenRouter in mid-2025.
# Prices change: check the providers' pages and override them in `models.catalog` of the config.
PRICES_AS_OF = "2025-06-01"



def _optional_number(minimum: float, maximum: float | None = None) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum or (
                maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise ConfigError(f"models.catalog.{instance.name}.{attribute.name}: must be a number {bound}, "
                              f"got {value!r}")
    return check


@attrs.frozen
class ModelInfo:
    """What the router and the budget know about one model; None means unknown.

    Prices are USD per million tokens. `quality` is a 0..1 score (our judgement, see
    docs/routing-and-cost.md) and `latency_ms` a typical time for a short reply.
    """

    name: str
    provider: str
    input_per_mtok: float | None = attrs.field(default=None, validator=_optional_number(0))
    output_per_mtok: float | None = attrs.field(default=None, validator=_optional_number(0))
    context_window: int | None = attrs.field(default=None, validator=_optional_number(1))
    max_output_tokens: int | None = attrs.field(default=None, validator=_optional_number(1))
    quality: float | None = attrs.field(default=None, validator=_optional_number(0, 1))
    latency_ms: float | None = attrs.field(default=None, validator=_optional_number(0))
    json_output: bool = True
    streaming: bool = True
    known: bool = True  # False for a name that is not in the catalog (passed through as given)

    @property
    def priced(self) -> bool:
        return self.input_per_mtok is not None and self.output_per_mtok is not None

    def to_payload(self) -> dict[str, Any]:
        """The config's camelCase shape (what `models list --json` prints)."""
        return {"provider": self.provider, "inputPerMTok": self.input_per_mtok,
                "outputPerMTok": self.output_per_mtok, "contextWindow": self.context_window,
                "maxOutputTokens": self.max_output_tokens, "quality": self.quality,
                "latencyMs": self.latency_ms, "jsonOutput": self.json_output, "streaming": self.streaming}


def _m(name: str, provider: str, inp: float, out: float, ctx: int, max_out: int, quality: float,
       latency_ms: float) -> ModelInfo:
    return ModelInfo(name, provider, inp, out, ctx, max_out, quality, latency_ms)


DEFAULT_MODELS: tuple[ModelInfo, ...] = (
    _m("gemini-2.5-pro", "gemini", 1.25, 10.0, 1_048_576, 65_536, 0.92, 4000),
    _m("gemini-2.5-flash", "gemini", 0.30, 2.50, 1_048_576, 65_536, 0.82, 1500),
    _m("gemini-2.5-flash-lite", "gemini", 0.10, 0.40, 1_048_576, 65_536, 0.72, 700),
    _m("gemini-2.0-flash", "gemini", 0.10, 0.40, 1_048_576, 8_192, 0.74, 800),
    _m("gemini-2.0-flash-lite", "gemini", 0.075, 0.30, 1_048_576, 8_192, 0.66, 600),
    _m("openai/gpt-4o", "openrouter", 2.50, 10.0, 128_000, 16_384, 0.88, 1800),
    _m("openai/gpt-4o-mini", "openrouter", 0.15, 0.60, 128_000, 16_384, 0.76, 1000),
    _m("openai/gpt-4.1", "openrouter", 2.00, 8.00, 1_047_576, 32_768, 0.90, 1800),
    _m("openai/gpt-4.1-mini", "openrouter", 0.40, 1.60, 1_047_576, 32_768, 0.80, 1100),
    _m("anthropic/claude-sonnet-4", "openrouter", 3.00, 15.0, 200_000, 64_000, 0.93, 2500),
    _m("anthropic/claude-3.5-haiku", "openrouter", 0.80, 4.00, 200_000, 8_192, 0.75, 1200),
    _m("google/gemini-2.5-flash", "openrouter", 0.30, 2.50, 1_048_576, 65_536, 0.82, 1600),
    _m("meta-llama/llama-3.3-70b-instruct", "openrouter", 0.13, 0.40, 131_072, 16_384, 0.70, 1300),
    _m("deepseek/deepseek-chat-v3-0324", "openrouter", 0.28, 0.88, 163_840, 16_384, 0.80, 2500),
)

# Short names from the specification, mapped to the current model they stand for.
ALIASES: dict[str, str] = {
    "gemini-pro": "gemini-2.5-pro",
    "gemini-flash": "gemini-2.5-flash",
    "gpt-4": "openai/gpt-4.1",
    "gpt-4-turbo": "openai/gpt-4o",
    "gpt-4o": "openai/gpt-4o",
    "gpt-4o-mini": "openai/gpt-4o-mini",
    "claude-3": "anthropic/claude-sonnet-4",
    "claude-3-sonnet": "anthropic/claude-sonnet-4",
    "claude-3-haiku": "anthropic/claude-3.5-haiku",
}

# CatalogEntry (the configuration's spelling) -> ModelInfo field names, where they differ
_SETTINGS_FIELDS = {"input_per_m_tok": "input_per_mtok", "output_per_m_tok": "output_per_mtok"}


@attrs.frozen
class Catalog:
    """Known models by name, with the short-name aliases of the specification."""

    models: Mapping[str, ModelInfo]
    aliases: Mapping[str, str] = attrs.field(factory=lambda: dict(ALIASES))

    @classmethod
    def default(cls) -> Catalog:
        return cls({m.name: m for m in DEFAULT_MODELS})

    @classmethod
    def from_settings(cls, entries: Mapping[str, CatalogEntry]) -> Catalog:
        """The built-in catalog, with the configuration's `models.catalog` entries overriding or adding
        models; an entry leaves the facts it does not give as they are."""
        base = cls.default()
        models = dict(base.models)
        for name, entry in entries.items():
            canonical = base.aliases.get(name, name)
            values = {_SETTINGS_FIELDS.get(f.name, f.name): getattr(entry, f.name) for f in attrs.fields(type(entry))
                      if getattr(entry, f.name) is not None}
            known = models.get(canonical)
            models[canonical] = attrs.evolve(known, **values) if known is not None else ModelInfo(canonical, **values)
        return cls(models, base.aliases)

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def get(self, name: str) -> ModelInfo | None:
        return self.models.get(self.canonical(name))

    def lookup(self, name: str, provider: str | None = None) -> ModelInfo:
        """The model's entry; for a name not in the catalog, an unpriced entry (cost unknown)."""
        info = self.get(name)
        if info is not None:
            return info
        return ModelInfo(name=name, provider=provider or "", known=False)

    def with_models(self, extra: Mapping[str, str]) -> Catalog:
        """Add names a provider serves (`providers.<name>.models`) that the catalog lacks, unpriced."""
        models = dict(self.models)
        for name, provider in extra.items():
            if self.canonical(name) not in models:
                models[name] = ModelInfo(name=name, provider=provider)
        return Catalog(models, self.aliases)

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(sorted(self.models.values(), key=lambda m: (m.provider, m.name)))

    def __len__(self) -> int:
        return len(self.models)
