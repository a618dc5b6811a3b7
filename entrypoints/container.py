"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from dependency_injector import containers, providers

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.serialization import unstructure
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.domain.settings import Settings
from agentic_synth.entrypoints.plugins import build_registry


def _settings_of(loaded: LoadedConfig | None) -> Settings:
    return loaded.settings if loaded is not None else Settings()


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes.

    `config` holds the settings in the file's camelCase shape (`config.apiKeys.gemini`,
    `config.providers.<name>.baseUrl`, ...; keys are Secrets); `settings` is the same as frozen
    values and `loaded_config` adds where each value came from.
    """

    config = providers.Configuration()
    loaded_config = providers.Object(None)
    settings = providers.Callable(_settings_of, loaded_config)
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=config.load_plugins.as_(bool), clock=clock)
    sink_factory = providers.Object(open_sink)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock)


def configure(container: Container, loaded: LoadedConfig) -> None:
    """Give the container a configuration: `settings`, `loaded_config` and the camelCase `config` tree."""
    container.loaded_config.set_provides(loaded)
    for key, value in unstructure(loaded.settings.resolved()).items():
        container.config.set(key, value)


def build_container(*, settings: Settings | None = None, **config: object) -> Container:
    """A fresh container with defaults applied (built-in default settings unless `settings` is given)."""
    container = Container()
    container.config.from_dict({"load_plugins": True, **config})
    configure(container, LoadedConfig.from_settings(settings if settings is not None else Settings()))
    return container
