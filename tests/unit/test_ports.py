"""Every adapter satisfies its port: mypy checks the assignments below (tools/typecheck.sh runs it on this file),
and pytest checks that no adapter class is missing from them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from typing import Any, get_type_hints

from agentic_synth import adapters, application
from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.null import NullResponseCache
from agentic_synth.adapters.cache.sqlite import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock
from agentic_synth.adapters.engine.events import EventGenerator
from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.adapters.engine.timeseries import TimeSeriesGenerator
from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder
from agentic_synth.adapters.integrations.jsonl_stream import JsonlStreamPipeline
from agentic_synth.adapters.integrations.null import NullStreamPipeline, NullVectorStore, NullWorkflowEngine
from agentic_synth.adapters.integrations.ruvector import RuvectorVectorStore
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore
from agentic_synth.adapters.integrations.workflows import InProcessWorkflowEngine
from agentic_synth.adapters.providers.gemini import GeminiTextModel
from agentic_synth.adapters.providers.openai_compatible import OpenAICompatibleTextModel, OpenRouterTextModel
from agentic_synth.adapters.providers.resilience import ResilientTextModel
from agentic_synth.adapters.sinks.csv import CsvRecordSink
from agentic_synth.adapters.sinks.json_array import JsonArrayRecordSink
from agentic_synth.adapters.sinks.jsonl import JsonlRecordSink
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.adapters.sinks.parquet import ParquetRecordSink
from agentic_synth.application.tee import TeeRecordSink
from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.application.text_models.cached import CachedTextModel
from agentic_synth.application.text_models.dispatch import ProviderDispatchTextModel
from agentic_synth.application.text_models.router import RouterTextModel
from agentic_synth.domain.generation.generators import Generator
from agentic_synth.domain.ports import (
    Clock,
    Embedder,
    RecordSink,
    ResponseCache,
    StreamPipeline,
    TextModel,
    VectorStore,
    WorkflowEngine,
)

# --- what mypy checks: each parameter (an adapter) is returned as its port ---------------------------


def record_sinks(a: JsonlRecordSink, b: JsonArrayRecordSink, c: CsvRecordSink, d: ParquetRecordSink,
                 e: InMemoryRecordSink, f: TeeRecordSink) -> list[RecordSink]:
    return [a, b, c, d, e, f]


def response_caches(a: NullResponseCache, b: InMemoryResponseCache, c: SqliteResponseCache) -> list[ResponseCache]:
    return [a, b, c]


def text_models(a: GeminiTextModel, b: OpenAICompatibleTextModel, c: OpenRouterTextModel, d: ResilientTextModel,
                e: BudgetedTextModel, f: CachedTextModel, g: RouterTextModel,
                h: ProviderDispatchTextModel) -> list[TextModel]:
    return [a, b, c, d, e, f, g, h]


def stream_pipelines(a: NullStreamPipeline, b: JsonlStreamPipeline) -> list[StreamPipeline]:
    return [a, b]


def vector_stores(a: NullVectorStore, b: SqliteVectorStore, c: RuvectorVectorStore) -> list[VectorStore]:
    return [a, b, c]


def workflow_engines(a: NullWorkflowEngine, b: InProcessWorkflowEngine) -> list[WorkflowEngine]:
    return [a, b]


def embedders(a: HashingEmbedder) -> list[Embedder]:
    return [a]


def clocks(a: SystemClock) -> list[Clock]:
    return [a]


def generators(a: StructuredGenerator, b: TimeSeriesGenerator, c: EventGenerator) -> list[Generator]:
    return [a, b, c]


ASSIGNMENTS: dict[type[Any], Callable[..., list[Any]]] = {
    RecordSink: record_sinks, ResponseCache: response_caches, TextModel: text_models,
    StreamPipeline: stream_pipelines, VectorStore: vector_stores, WorkflowEngine: workflow_engines,
    Embedder: embedders, Clock: clocks, Generator: generators,
}

# --- what pytest checks: no adapter is left out ---------------------------------------------------------


def _adapter_classes() -> dict[str, type[Any]]:
    """Every class of adapters/ and application/ named `<Technology><Port>` (the house naming rule)."""
    ports = "|".join(port.__name__ for port in ASSIGNMENTS)
    named = re.compile(rf"^[A-Z]\w*({ports})$")
    found: dict[str, type[Any]] = {}
    for package in (adapters, application):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and named.match(name) and not inspect.isabstract(cls):
                    found[name] = cls
    return found


def test_every_adapter_named_for_a_port_is_assigned_to_that_port_above() -> None:
    assigned = {cls for fn in ASSIGNMENTS.values() for name, cls in get_type_hints(fn).items() if name != "return"}
    missing = sorted(name for name, cls in _adapter_classes().items() if cls not in assigned)
    assert missing == []


def test_each_assignment_returns_its_own_port() -> None:
    for port, fn in ASSIGNMENTS.items():
        assert get_type_hints(fn)["return"] == list[port]  # type: ignore[valid-type]
