"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from typing import Any

from loguru import logger

from agentic_synth.adapters.cache.location import cache_dir
from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.null import NullResponseCache
from agentic_synth.adapters.cache.sqlite import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.datasets.outputs import open_dataset_sink
from agentic_synth.adapters.integrations.plugins import discover_integrations
from agentic_synth.adapters.lenient_json import repair_json
from agentic_synth.adapters.serialization import structure
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.datasets import GenerateDataset
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.domain.config.settings import Settings
from agentic_synth.entrypoints.injector import containers, providers
from agentic_synth.entrypoints.integrations import Integrations
from agentic_synth.entrypoints.model_stack import catalog_of, compose_model_stack, provider_set
from agentic_synth.entrypoints.plugins import build_registry
from agentic_synth.entrypoints.providers import (
    gemini_text_model,
    openai_compatible_text_model,
    openrouter_text_model,
)

logger.disable("agentic_synth")  # the library logs nothing unless an app opts in: logger.enable("agentic_synth")


def _settings_of(loaded: LoadedConfig | None) -> Settings:
    return loaded.settings if loaded is not None else Settings()


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes.

    `settings` is the validated, frozen configuration; factories receive its sections
    (`settings.provided.cache`, ...), never a dict to parse again. `loaded_config` adds where each
    value came from. Tests swap adapters: a provider type's adapter factory
    (`container.provider_adapters.gemini.override(...)`), the clock, the sink factory, plugins.
    """

    load_plugins = providers.Object(True)  # entry-point plugins (generators, integrations)
    pinned = providers.Object(False)  # built with explicit settings: the CLI keeps them unless --config
    loaded_config: providers.Object[LoadedConfig | None] = providers.Object(None)
    settings = providers.Callable(_settings_of, loaded_config)
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=load_plugins, clock=clock)
    sink_factory = providers.Object(open_sink)
    dataset_sink_factory = providers.Object(open_dataset_sink)  # a directory, sqlite:/// or postgresql://

    # AI. Each configured provider gets the adapter of its type (the SDK is imported when first
    # built), inside retries and limits, once per container; each run composes budget -> cache ->
    # router over them (entrypoints/model_stack.py). The providers are a resource: `shutdown_resources()`
    # closes their HTTP clients (the CLI does at the end of each command); the next use connects again.
    provider_adapters = providers.Aggregate(gemini=providers.Factory(gemini_text_model),
                                            openrouter=providers.Factory(openrouter_text_model),
                                            openai_compatible=providers.Factory(openai_compatible_text_model))
    provider_models = providers.Resource(provider_set, settings, provider_adapters.provider, clock)
    catalog = providers.ThreadSafeSingleton(catalog_of, settings)

    # Response cache (docs/cache.md): config `cache.{enabled,maxSize,maxBytes,ttl,persistPath,policy}`.
    cache_settings = settings.provided.cache  # the `cache` section, for the cache adapters below
    response_cache = providers.Selector(
        cache_settings.backend,
        none=providers.ThreadSafeSingleton(NullResponseCache),
        memory=providers.ThreadSafeSingleton(InMemoryResponseCache, clock=clock, max_entries=cache_settings.max_size,
                                             max_bytes=cache_settings.max_bytes,
                                             default_ttl=cache_settings.ttl_seconds),
        sqlite=providers.ThreadSafeSingleton(SqliteResponseCache, providers.Callable(cache_dir, cache_settings),
                                             clock=clock,
                                             max_entries=cache_settings.max_size, max_bytes=cache_settings.max_bytes,
                                             default_ttl=cache_settings.ttl_seconds),
    )
    # One run's stack: call with routing=, kind=, model= (and budget= to share a batch's budget).
    model_stack = providers.Factory(compose_model_stack, settings, provider_models.provided.models, clock=clock,
                                    catalog=catalog, cache=response_cache)

    # Optional integrations (docs/integrations.md): config `integrations.*` and entry points of group
    # `agentic_synth.integrations` (tests override `integration_plugins` with fake factories).
    integration_plugins = providers.Singleton(discover_integrations, load_plugins=load_plugins)
    integrations = providers.Singleton(Integrations, settings=settings.provided.integrations,
                                       plugins=integration_plugins)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock,
                                         repair=providers.Object(repair_json))
    generate_dataset = providers.Factory(GenerateDataset, clock=clock)


def configure(container: Container, loaded: LoadedConfig) -> None:
    """Give the container a configuration; what was built from the previous one is built again when next used."""
    container.loaded_config.set_provides(loaded)
    container.provider_models.shutdown()  # the old providers' HTTP clients are closed
    for built in (container.catalog, container.integrations):
        built.reset()
    for cache in container.response_cache.providers.values():
        if isinstance(cache, providers.Singleton):
            cache.reset()


def build_container(*, settings: Settings | None = None, load_plugins: bool = True, **config: Any) -> Container:
    """A fresh container with defaults applied.

    For tests and embedding apps, `config` takes settings in the configuration file's camelCase shape
    (`providers=...`, `apiKeys=...`), parsed like a file (without reading the environment); `settings`
    gives a ready Settings instead. Either one pins the configuration: the CLI then keeps it (unless --config).
    """
    if settings is not None and config:
        raise TypeError("build_container: give settings or configuration keys, not both")
    container = Container()
    container.load_plugins.set_provides(load_plugins)
    if settings is not None or config:
        container.pinned.set_provides(True)
    if settings is None:
        settings = structure(config, Settings, origin="build_container(...)") if config else Settings()
    configure(container, LoadedConfig.from_settings(settings))
    return container
