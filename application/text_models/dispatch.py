"""ProviderDispatchTextModel: sends each call to the provider that serves its model."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import attrs

from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS
from agentic_synth.domain.ai.model_names import ModelChoice, resolve_model
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ConfigError, UsageError
from agentic_synth.domain.ports import TextModel

KEY_HINTS = {name: provider.hint for name, provider in BUILTIN_PROVIDERS.items()}


class ProviderDispatchTextModel:
    """A TextModel over several providers: resolves `request.model` (aliases, `--provider`) to one of them.

    `unavailable` maps provider names that are known but cannot be used to the reason (no key).
    """

    provider = "dispatch"

    def __init__(self, models: Mapping[str, TextModel], *, provider_models: Mapping[str, Sequence[str]] | None = None,
                 provider_types: Mapping[str, str] | None = None,
                 unavailable: Mapping[str, str] | None = None) -> None:
        self.models = dict(models)
        self._listed = dict(provider_models or {})
        self._types = dict(provider_types or {})
        self._unavailable = dict(unavailable or {})

    def resolve(self, model: str | None, provider: str | None = None) -> ModelChoice:
        """The model and provider a call would use; UsageError/ConfigError when there is none."""
        if model is None:
            raise UsageError("no model chosen: pass --model (for example gemini-2.5-flash or openai/gpt-4o-mini)")
        choice = resolve_model(model, provider=provider, provider_models=self._listed, provider_types=self._types)
        if choice.provider not in self.models:
            if choice.provider in self._unavailable:
                raise ConfigError(f"{choice.provider}: {self._unavailable[choice.provider]}")
            known = ", ".join(sorted({*self.models, *self._unavailable})) or "none"
            raise ConfigError(f"provider '{choice.provider}' is not configured (configured: {known}); "
                              f"{KEY_HINTS.get(choice.provider, 'add it under providers in the config')}")
        return choice

    def _route(self, request: ModelRequest) -> tuple[TextModel, ModelRequest]:
        choice = self.resolve(request.model, request.provider)
        return self.models[choice.provider], attrs.evolve(request, model=choice.model, provider=choice.provider)

    def complete(self, request: ModelRequest) -> Completion:
        model, routed = self._route(request)
        return model.complete(routed)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        model, routed = self._route(request)
        deltas: Iterator[TextDelta] = model.stream(routed)
        return deltas
