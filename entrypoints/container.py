"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from dependency_injector import containers, providers

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.entrypoints.plugins import build_registry
from agentic_synth.entrypoints.providers import build_text_models, wrap_text_model


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes."""

    config = providers.Configuration()
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=config.load_plugins.as_(bool))
    sink_factory = providers.Object(open_sink)
    # AI: each configured provider wrapped in ResilientTextModel, dispatched by model name; tests
    # override `text_model` with a FakeTextModel. Router/cache/budget wrap it in wrap_text_model.
    text_models = providers.Singleton(build_text_models, config=config, clock=clock)
    text_model = providers.Singleton(wrap_text_model, dispatch=text_models)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock,
                                         text_model=text_model.provider)


def build_container(**config: object) -> Container:
    """A fresh container with defaults applied."""
    container = Container()
    container.config.from_dict({"load_plugins": True, **config})
    return container
