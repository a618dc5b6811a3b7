"""Build the generator registry: the built-in generators, then installed plugins (entry points)."""

from __future__ import annotations

from importlib.metadata import entry_points

from loguru import logger

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.engine.events import EventGenerator
from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.adapters.engine.timeseries import TimeSeriesGenerator
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.generators import Generator, GeneratorRegistry
from agentic_synth.domain.ports import Clock

ENTRY_POINT_GROUP = "agentic_synth.generators"


def builtin_generators(*, clock: Clock | None = None) -> list[Generator]:
    """The three built-in generators with their built-in option defaults.

    Configured defaults (`generators.timeseries.defaultSampleRate`, ...) are applied per call by
    the SDK's `request()` (Settings.generator_defaults), for every generator that takes the option.
    """
    clock = clock if clock is not None else SystemClock()
    return [StructuredGenerator(), TimeSeriesGenerator(clock=clock), EventGenerator(clock=clock)]


def build_registry(*, load_plugins: bool = True, clock: Clock | None = None) -> GeneratorRegistry:
    registry = GeneratorRegistry()
    for generator in builtin_generators(clock=clock):
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
