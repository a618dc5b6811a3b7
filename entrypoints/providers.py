"""The provider adapters, one factory per provider type; each imports its SDK only when it is first called."""

from __future__ import annotations

from agentic_synth.domain.config.settings import ProviderSettings
from agentic_synth.domain.ports import TextModel


def _key(settings: ProviderSettings) -> str | None:
    """The key as text: revealed here, where it goes to its adapter, and nowhere else."""
    return settings.api_key.reveal() or None


def gemini_text_model(*, name: str, settings: ProviderSettings) -> TextModel:
    from agentic_synth.adapters.providers.gemini import GeminiTextModel

    return GeminiTextModel(api_key=_key(settings), base_url=settings.base_url, timeout=settings.timeout, provider=name)


def openrouter_text_model(*, name: str, settings: ProviderSettings) -> TextModel:
    from agentic_synth.adapters.providers.openai_compatible import OPENROUTER_URL, OpenRouterTextModel

    return OpenRouterTextModel(api_key=_key(settings), base_url=settings.base_url or OPENROUTER_URL,
                               timeout=settings.timeout, models=settings.models, provider=name)


def openai_compatible_text_model(*, name: str, settings: ProviderSettings) -> TextModel:
    from agentic_synth.adapters.providers.openai_compatible import OpenAICompatibleTextModel

    return OpenAICompatibleTextModel(base_url=str(settings.base_url), api_key=_key(settings), provider=name,
                                     timeout=settings.timeout, models=settings.models)
