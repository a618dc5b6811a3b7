"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from dependency_injector import containers, providers

from agentic_synth.adapters.cache.location import cache_dir
from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.null import NullResponseCache
from agentic_synth.adapters.cache.persistent import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.caching import CachedTextModel
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.domain.cache_settings import CacheSettings
from agentic_synth.entrypoints.plugins import build_registry


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes."""

    config = providers.Configuration()
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=config.load_plugins.as_(bool))
    sink_factory = providers.Object(open_sink)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock)

    # Response cache (issue 8): config `cache.{enabled,maxSize,maxBytes,ttl,persistPath,policy}`.
    cache_settings = providers.Singleton(CacheSettings.from_payload, config.cache)
    response_cache = providers.Selector(
        cache_settings.provided.backend,
        none=providers.Singleton(NullResponseCache),
        memory=providers.Singleton(InMemoryResponseCache, clock=clock, max_entries=cache_settings.provided.max_entries,
                                   max_bytes=cache_settings.provided.max_bytes,
                                   default_ttl=cache_settings.provided.ttl_seconds),
        sqlite=providers.Singleton(SqliteResponseCache, providers.Callable(cache_dir, cache_settings), clock=clock,
                                   max_entries=cache_settings.provided.max_entries,
                                   max_bytes=cache_settings.provided.max_bytes,
                                   default_ttl=cache_settings.provided.ttl_seconds),
    )
    # The cache layer of the TextModel stack: `cached_text_model(inner)` wraps the budgeted model.
    cached_text_model = providers.Factory(CachedTextModel, cache=response_cache, clock=clock,
                                          policy=cache_settings.provided.policy)


def build_container(**config: object) -> Container:
    """A fresh container with defaults applied."""
    container = Container()
    container.config.from_dict({"load_plugins": True, **config})
    return container
