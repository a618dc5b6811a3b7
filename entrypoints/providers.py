"""Build the AI providers from configuration: one resilient TextModel per provider, behind a dispatcher."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from agentic_synth.adapters.providers.openai_compatible import OpenAICompatibleTextModel, OpenRouterTextModel
from agentic_synth.adapters.providers.resilience import Limits, ResilientTextModel, RetryPolicy
from agentic_synth.application.text_models.dispatch import ProviderDispatchTextModel
from agentic_synth.domain.ai.model_names import GEMINI, OPENROUTER, provider_type_of
from agentic_synth.domain.errors import ConfigError
from agentic_synth.domain.ports import Clock, TextModel

_KEY_SOURCES = {GEMINI: ("gemini", ("GEMINI_API_KEY", "GOOGLE_API_KEY")),
                OPENROUTER: ("openRouter", ("OPENROUTER_API_KEY",))}


def _reveal(value: Any) -> str | None:
    """A key as text: a Secret (issue 5) is revealed here, inside the provider wiring, and nowhere else."""
    if value is None:
        return None
    text = value.reveal() if hasattr(value, "reveal") else value
    return str(text) if text else None


def _number(spec: Mapping[str, Any], key: str, path: str, default: float | None) -> float | None:
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{path}.{key} must be a number > 0, got {value!r}")
    return float(value)


def _api_key(name: str, kind: str, spec: Mapping[str, Any], api_keys: Mapping[str, Any]) -> str | None:
    key = _reveal(spec.get("apiKey"))
    if key is None and kind in _KEY_SOURCES and name == kind:
        config_name, env_names = _KEY_SOURCES[kind]
        key = _reveal(api_keys.get(config_name)) or next((os.environ[e] for e in env_names if os.environ.get(e)), None)
    return key


def _adapter(name: str, kind: str, spec: Mapping[str, Any], key: str | None, path: str) -> TextModel:
    timeout = _number(spec, "timeout", path, 60.0) or 60.0
    models = spec.get("models") or ()
    if not isinstance(models, list | tuple) or not all(isinstance(m, str) for m in models):
        raise ConfigError(f"{path}.models must be a list of model names")
    base_url = spec.get("baseUrl")
    if kind == GEMINI:
        from agentic_synth.adapters.providers.gemini import GeminiTextModel  # slow SDK import: only when used

        return GeminiTextModel(api_key=key, base_url=base_url, timeout=timeout, provider=name)
    if kind == OPENROUTER:
        return OpenRouterTextModel(api_key=key, timeout=timeout, models=models, provider=name,
                                   **({"base_url": base_url} if base_url else {}))
    return OpenAICompatibleTextModel(base_url=str(base_url), api_key=key, provider=name, timeout=timeout,
                                     models=models)


def build_text_models(config: Mapping[str, Any] | None, clock: Clock) -> ProviderDispatchTextModel:
    """Every usable provider of the config (`providers.*`, `apiKeys.*`, env keys), each retried and limited.

    Gemini and OpenRouter exist without a `providers` entry once their key is set; any other name
    is an OpenAI-compatible server and needs a `baseUrl` (its key is optional: local servers).
    """
    config = config or {}
    api_keys = config.get("apiKeys") or {}
    configured = dict(config.get("providers") or {})
    for builtin in (GEMINI, OPENROUTER):
        configured.setdefault(builtin, {})
    models: dict[str, TextModel] = {}
    unavailable: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    types: dict[str, str] = {}
    for name, spec in configured.items():
        path = f"providers.{name}"
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{path} must be an object")
        kind = provider_type_of(name, {name: spec["type"]} if spec.get("type") else {})
        types[name] = kind
        listed[name] = list(spec.get("models") or ())
        key = _api_key(name, kind, spec, api_keys)
        if kind in (GEMINI, OPENROUTER) and key is None:
            unavailable[name] = (f"no API key; set {_KEY_SOURCES[kind][1][0]} or apiKeys.{_KEY_SOURCES[kind][0]}"
                                 if name == kind else f"no API key; set {path}.apiKey")
            continue
        if kind not in (GEMINI, OPENROUTER) and not spec.get("baseUrl"):
            unavailable[name] = f"no baseUrl; set {path}.baseUrl (e.g. http://localhost:11434/v1 for Ollama)"
            continue
        retries = spec.get("maxRetries", 4)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ConfigError(f"{path}.maxRetries must be a whole number >= 0, got {retries!r}")
        limits = Limits(max_concurrency=int(_number(spec, "maxConcurrency", path, 8) or 8),
                        requests_per_minute=_number(spec, "requestsPerMinute", path, None),
                        tokens_per_minute=_number(spec, "tokensPerMinute", path, None))
        models[name] = ResilientTextModel(_adapter(name, kind, spec, key, path), clock,
                                          policy=RetryPolicy(max_retries=retries), limits=limits)
    return ProviderDispatchTextModel(models, provider_models=listed, provider_types=types, unavailable=unavailable)


def provider_models_of(dispatch: ProviderDispatchTextModel) -> dict[str, TextModel]:
    """Provider name -> its (resilient) TextModel: what the router of a run calls."""
    return dict(dispatch.models)
