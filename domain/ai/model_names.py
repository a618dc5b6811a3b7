"""Model names: the specification's short aliases, and which provider serves a model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from agentic_synth.domain.ai.builtin_providers import GEMINI, OPENAI_COMPATIBLE, OPENROUTER, PROVIDER_TYPES
from agentic_synth.domain.ai.catalog import ALIASES  # the one table of the specification's short names
from agentic_synth.domain.errors import UsageError


@attrs.frozen
class ModelChoice:
    """The model to call (as the provider names it), the provider that serves it, and the alias typed."""

    model: str
    provider: str
    alias_of: str | None = None

    def describe(self) -> str:
        """`gemini-2.5-pro (for gemini-pro) via gemini`."""
        alias = f" (for {self.alias_of})" if self.alias_of else ""
        return f"{self.model}{alias} via {self.provider}"


def provider_type_of(name: str, types: Mapping[str, str]) -> str:
    """A provider's type: as configured, else its name when that is a known type, else OpenAI-compatible."""
    return types.get(name) or (name if name in PROVIDER_TYPES else OPENAI_COMPATIBLE)


def _fits(model: str, provider_type: str) -> bool:
    if provider_type == GEMINI:
        return model.startswith(("gemini-", "models/gemini"))
    return provider_type == OPENROUTER and "/" in model


def resolve_model(name: str, *, provider: str | None = None,
                  provider_models: Mapping[str, Sequence[str]] | None = None,
                  provider_types: Mapping[str, str] | None = None) -> ModelChoice:
    """Which provider serves `name`: `--provider` wins, then a provider's `models` list, then the name.

    `gemini-*` goes to Gemini, a vendor-prefixed id (`openai/gpt-4o-mini`) to OpenRouter; the
    specification's short names resolve through ALIASES first.
    """
    listed = provider_models or {}
    types = provider_types or {}
    name = name.strip()
    if not name:
        raise UsageError("--model: the model name is empty")
    target = ALIASES.get(name)
    if provider is not None:
        if name in listed.get(provider, ()):
            return ModelChoice(name, provider)
        if target is not None and _fits(target, provider_type_of(provider, types)):
            return ModelChoice(target, provider, alias_of=name)
        return ModelChoice(name, provider)
    for owner, models in listed.items():
        if name in models:
            return ModelChoice(name, owner)
    model = target or name
    alias = name if target else None
    if model.startswith(("gemini-", "models/gemini")):
        return ModelChoice(model.removeprefix("models/"), GEMINI, alias)
    if "/" in model:
        return ModelChoice(model, OPENROUTER, alias)
    raise UsageError(f"--model: no provider serves '{name}'; use a gemini-* model, a vendor/model id for "
                     "OpenRouter (openai/gpt-4o-mini), list it under providers.<name>.models, or pass --provider")
