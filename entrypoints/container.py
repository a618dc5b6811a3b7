"""The composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from dependency_injector import containers, providers

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.entrypoints.plugins import build_registry
from agentic_synth.entrypoints.routing import build_model_stack


class Container(containers.DeclarativeContainer):
    """Adapters for the CLI and the SDK; tests override providers with fakes."""

    config = providers.Configuration()
    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(build_registry, load_plugins=config.load_plugins.as_(bool))
    sink_factory = providers.Object(open_sink)
    generate_records = providers.Factory(GenerateRecords, registry=registry, clock=clock)
    # provider name -> TextModel (issue 6 fills it with its provider adapters, retries included)
    provider_models = providers.Dict()
    # router -> budget -> provider for one run: container.model_stack(run=RunRouting(...), kind=..., model=...)
    model_stack = providers.Factory(build_model_stack, config=config, providers=provider_models, clock=clock)


def build_container(**config: object) -> Container:
    """A fresh container with defaults applied."""
    container = Container()
    container.config.from_dict({"load_plugins": True, **config})
    return container
