"""Build the generator registry: the built-in generators, then installed plugins (entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from loguru import logger

from agentic_synth.adapters.engine.events import DEFAULT_RATE, EventGenerator
from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.adapters.engine.timeseries import DEFAULT_DURATION, DEFAULT_INTERVAL, TimeSeriesGenerator
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generators import Generator, GeneratorRegistry
from agentic_synth.domain.ports import Clock

ENTRY_POINT_GROUP = "agentic_synth.generators"


def _setting(settings: Mapping[str, Any] | None, kind: str, key: str, default: str) -> str:
    """`generators.<kind>.<key>` from the configuration (the specification's camelCase names)."""
    section = (settings or {}).get(kind) or {}
    value = section.get(key) if isinstance(section, Mapping) else None
    return default if value is None else str(value)


def builtin_generators(*, clock: Clock | None = None, settings: Mapping[str, Any] | None = None) -> list[Generator]:
    """The three built-in generators; `settings` is the config's `generators` section (defaults)."""
    return [
        StructuredGenerator(),
        TimeSeriesGenerator(clock=clock,
                            default_interval=_setting(settings, "timeseries", "defaultSampleRate", DEFAULT_INTERVAL),
                            default_duration=_setting(settings, "timeseries", "defaultDuration", DEFAULT_DURATION)),
        EventGenerator(clock=clock, default_rate=_setting(settings, "events", "defaultRate", DEFAULT_RATE)),
    ]


def build_registry(*, load_plugins: bool = True, clock: Clock | None = None,
                   settings: Mapping[str, Any] | None = None) -> GeneratorRegistry:
    registry = GeneratorRegistry()
    for generator in builtin_generators(clock=clock, settings=settings):
        registry.register(generator, origin="built-in")
    if load_plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = ep.load()
                generator = loaded() if isinstance(loaded, type) else loaded
                registry.register(generator, origin=f"plugin {ep.value}")
            except UsageError as exc:
                logger.warning("plugin {} skipped: {}", ep.name, exc)
            except Exception as exc:  # a broken plugin must not break the tool
                logger.warning("plugin {} failed to load: {}: {}", ep.name, type(exc).__name__, exc)
    return registry
