"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from agentic_synth.adapters.cache.location import cache_dir
from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.null import NullResponseCache
from agentic_synth.adapters.cache.sqlite import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.datasets.outputs import open_dataset_sink
from agentic_synth.adapters.integrations.plugins import discover_integrations
from agentic_synth.adapters.lenient_json import repair_json
from agentic_synth.adapters.serialization import structure, unstructure
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.datasets import GenerateDataset
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.application.text_models.cached import CachedTextModel
from agentic_synth.domain.cache.settings import CacheSettings
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.ports import TextModel
from agentic_synth.entrypoints.integrations import Integrations
from agentic_synth.entrypoints.model_stack import RunTextModels, build_model_stack
from agentic_synth.entrypoints.plugins import build_registry
from agentic_synth.entrypoints.providers import build_text_models, provider_models_of


def _dispatcher(dispatch: TextModel) -> TextModel:
    """The default `text_model`: the provider dispatcher itself (a seam that tests override)."""
    return dispatch


def _settings_of(loaded: LoadedConfig | None) -> Settings:
    return loaded.settings if loaded is not None else Settings()


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes.

    `config` holds the settings in the file's camelCase shape (`config.apiKeys.gemini`,
    `config.providers.<name>.baseUrl`, ...; keys are Secrets); `settings` is the same as frozen
    values and `loaded_config` adds where each value came from.
    """

    config = providers.Configuration()
    loaded_config: providers.Object[LoadedConfig | None] = providers.Object(None)
    settings = providers.Callable(_settings_of, loaded_config)
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=config.load_plugins.as_(bool), clock=clock)
    sink_factory = providers.Object(open_sink)
    dataset_sink_factory = providers.Object(open_dataset_sink)  # a directory, sqlite:/// or postgresql://
    # AI: each configured provider wrapped in ResilientTextModel; `text_model` dispatches by model
    # name (tests and embedding apps override it with their own TextModel, which runs are then given
    # as it is). Otherwise each run gets router -> cache -> budget -> providers (`run_text_models`).
    text_models = providers.Singleton(build_text_models, config=config, clock=clock)
    text_model = providers.Callable(_dispatcher, text_models)
    provider_models = providers.Callable(provider_models_of, text_models)
    model_stack = providers.Factory(build_model_stack, config=config, providers=provider_models, clock=clock)

    # Response cache (issue 8): config `cache.{enabled,maxSize,maxBytes,ttl,persistPath,policy}`.
    cache_settings = providers.Singleton(CacheSettings.from_settings, settings.provided.cache)
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
    # One run's models: router -> cache -> budget -> providers (or the `text_model` override as is).
    run_text_models = providers.Factory(RunTextModels, text_model=text_model.provider,
                                        model_stack=model_stack.provider, cache=cached_text_model.provider)
    # Optional integrations (docs/integrations.md): config `integrations.*` and entry points of group
    # `agentic_synth.integrations` (tests override `integration_plugins` with fake factories).
    integration_plugins = providers.Singleton(discover_integrations, load_plugins=config.load_plugins.as_(bool))
    integrations = providers.Singleton(Integrations, config=config.integrations, plugins=integration_plugins)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock,
                                         text_model=run_text_models, repair=providers.Object(repair_json))
    generate_dataset = providers.Factory(GenerateDataset, clock=clock)


def configure(container: Container, loaded: LoadedConfig) -> None:
    """Give the container a configuration: `settings`, `loaded_config` and the camelCase `config` tree."""
    container.loaded_config.set_provides(loaded)
    for key, value in unstructure(loaded.settings.resolved()).items():
        container.config.set(key, value)
    container.integrations.reset()  # rebuilt from the new `integrations.*` when next used


_CONTAINER_ONLY = frozenset({"load_plugins"})


def build_container(*, settings: Settings | None = None, **config: Any) -> Container:
    """A fresh container with defaults applied.

    `config` takes container switches (`load_plugins`) and, for tests and embedding apps, settings
    in the configuration file's camelCase shape (`providers=...`, `apiKeys=...`), parsed like a file
    (without reading the environment); `settings` gives a ready Settings instead.
    """
    container = Container()
    switches = {k: v for k, v in config.items() if k in _CONTAINER_ONLY}
    payload = {k: v for k, v in config.items() if k not in _CONTAINER_ONLY}
    container.config.from_dict({"load_plugins": True, **switches})
    if settings is not None and payload:
        raise TypeError("build_container: give settings or configuration keys, not both")
    if settings is not None or payload:
        container.config.set("pinned", True)  # the CLI then keeps this configuration (unless --config)
    if settings is None:
        settings = structure(payload, Settings, origin="build_container(...)") if payload else Settings()
    configure(container, LoadedConfig.from_settings(settings))
    return container
