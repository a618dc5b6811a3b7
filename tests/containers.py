"""Test wiring: swap a container's provider adapters for fakes (routing, budget and cache stay real), reconfigure it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dependency_injector import providers

from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.serialization import structure, unstructure
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.ports import TextModel
from agentic_synth.entrypoints.container import Container, configure

ADAPTER_TYPES = ("gemini", "openrouter", "openai_compatible")


def swap_providers(container: Container, model: TextModel, *types: str) -> None:
    """Every configured provider of these types (default: all) calls `model` instead of its SDK.

    Only the adapter at the bottom of the stack changes: each run still composes resilience,
    budget, cache and router over it, so tests that swap it exercise them all.
    """
    for key in types or ADAPTER_TYPES:
        getattr(container.provider_adapters, key).override(providers.Object(model))
    container.provider_models.shutdown()


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        nested = isinstance(value, Mapping) and isinstance(out.get(key), Mapping)
        out[key] = _merge(out[key], value) if nested else value
    return out


def reconfigure(container: Container, payload: Mapping[str, Any]) -> Settings:
    """Merge settings in the file's camelCase shape into the container's, parsed by Settings like a file."""
    merged = _merge(unstructure(container.settings()), payload)
    settings = structure(merged, Settings, origin="test configuration")
    configure(container, LoadedConfig.from_settings(settings))
    return settings
