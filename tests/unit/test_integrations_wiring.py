"""Integrations chosen through the container: plugins by name, null adapters when absent, tees that follow the run."""

from __future__ import annotations

import pytest
from dependency_injector import providers

from agentic_synth import AgenticSynth, build_container
from agentic_synth.adapters.integrations.null import NullStreamPipeline, NullVectorStore, NullWorkflowEngine
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.domain.errors import IntegrationError, ProviderError, UsageError
from agentic_synth.integrations import enable_midstreamer, enable_ruvector
from tests.fakes import FailingGenerator
from tests.fakes_integrations import FakeStreamPipeline, FakeVectorStore, FakeWorkflowEngine

SCHEMA = {"name": "name", "city": "city"}


def _synth(plugins: dict, **config) -> AgenticSynth:
    container = build_container(load_plugins=False, **config)
    container.integration_plugins.override(providers.Object(plugins))
    return AgenticSynth(container=container)


def test_without_plugins_or_config_every_integration_is_a_null_adapter_that_never_fails() -> None:
    integrations = _synth({}).container.integrations()
    pipeline, store = integrations.stream_pipeline(), integrations.vector_store()
    engine = integrations.workflow_engine()
    assert isinstance(pipeline, NullStreamPipeline) and isinstance(store, NullVectorStore)
    assert isinstance(engine, NullWorkflowEngine)
    assert not (pipeline.is_available() or store.is_available() or engine.is_available())
    pipeline.send(None), pipeline.close(), store.store([{"a": 1}]), engine.register_workflow("w", print)
    assert store.search("anything") == [] and engine.trigger_workflow("w", {}) is None
    assert "not enabled" in pipeline.reason


def test_enabled_midstreamer_plugin_receives_every_record_in_order_when_a_run_streams() -> None:
    made: list[FakeStreamPipeline] = []
    synth = _synth({"midstreamer": lambda options: made.append(FakeStreamPipeline(options)) or made[-1]},
                   integrations={"midstreamer": {"enabled": True, "defaultPipeline": "events-in"}})
    first = synth.generate("structured", schema=SCHEMA, count=2500, seed=4, to_pipeline=True)
    second = synth.generate("structured", schema=SCHEMA, count=10, seed=5, to_pipeline=True)
    assert len(made) == 1 and made[0].options["pipeline"] == "events-in"
    assert made[0].rows == first.records + second.records
    assert made[0].closed == 0  # long-lived: the caller's pipeline stays open across runs
    assert "streamed 2500 records to FakeStreamPipeline" in first.metadata.notes
    quiet = synth.generate("structured", schema=SCHEMA, count=5, seed=6)  # no to_pipeline=True: nothing sent
    assert len(made[0].rows) == 2510 and not any("streamed" in n for n in quiet.metadata.notes)


def test_the_deprecated_stream_keyword_warns_naming_its_successors_and_still_sends_to_the_pipeline() -> None:
    made: list[FakeStreamPipeline] = []
    synth = _synth({"midstreamer": lambda options: made.append(FakeStreamPipeline(options)) or made[-1]},
                   integrations={"midstreamer": {"enabled": True}})
    with pytest.warns(DeprecationWarning, match="line_buffered=True .* to_pipeline=True .* stream_replies=True"):
        result = synth.generate("structured", schema=SCHEMA, count=4, seed=2, stream=True)
    assert made[0].rows == result.records


def test_stream_to_a_named_midstreamer_pipeline_opens_one_for_the_run_and_closes_it() -> None:
    made: list[FakeStreamPipeline] = []
    synth = _synth({"midstreamer": lambda options: made.append(FakeStreamPipeline(options)) or made[-1]})
    result = synth.generate("structured", schema=SCHEMA, count=30, seed=1, stream_to="midstreamer:orders")
    assert made[0].options["pipeline"] == "orders" and made[0].rows == result.records and made[0].closed == 1


def test_midstreamer_enabled_but_not_installed_degrades_with_a_note_and_explicit_asks_fail() -> None:
    synth = _synth({}, integrations={"midstreamer": {"enabled": True}})
    result = synth.generate("structured", schema=SCHEMA, count=3, seed=1, to_pipeline=True)
    assert len(result.records) == 3
    assert any(n.startswith("not streamed: no midstreamer pipeline plugin is installed") for n in result.metadata.notes)
    with pytest.raises(UsageError, match=r"--stream-to midstreamer compares the series .* add --reference FILE"):
        synth.generate("structured", schema=SCHEMA, count=3, stream_to="midstreamer")
    assert not enable_midstreamer(synth, "x").is_available()


def test_a_vectorized_run_commits_its_records_with_the_runs_metadata() -> None:
    made: list[FakeVectorStore] = []
    synth = _synth({"ruvector": lambda options: made.append(FakeVectorStore(options)) or made[-1]})
    store = enable_ruvector(synth, "somewhere.db")
    assert made == [store]
    result = synth.generate("structured", schema=SCHEMA, count=40, seed=8, vectorize=True)
    assert [r for r, _ in store.committed] == result.records
    assert store.committed[0][1] == {"kind": "structured", "mode": "engine", "seed": 8, "locale": "en_US"}
    assert store.options["dbPath"] == "somewhere.db"
    assert synth.vector_search("anything", 2) == store.search("anything", 2)


def test_a_failed_run_rolls_back_its_vectors_so_the_store_never_holds_what_the_output_lost() -> None:
    store = FakeVectorStore()
    synth = _synth({"ruvector": lambda options: store})
    enable_ruvector(synth, "x.db")
    synth.register_generator(FailingGenerator(ProviderError("HTTP 500"), good_chunks=2))
    with pytest.raises(ProviderError):
        synth.generate("failing", schema={"n": "integer"}, count=500, vectorize=True, sink=InMemoryRecordSink())
    assert store.committed == [] and store.staged == [] and store.rollbacks == 1


def test_vectorize_without_a_store_is_a_usage_error_naming_the_fix() -> None:
    with pytest.raises(UsageError, match=r"vectorize=True needs a vector store: .*enable_ruvector"):
        _synth({}).generate("structured", schema=SCHEMA, count=1, vectorize=True)


def test_a_plugin_that_raises_surfaces_as_an_integration_error_and_the_output_is_discarded() -> None:
    synth = _synth({"kafka": lambda options: FakeStreamPipeline(options, fail_after=1)})
    sink = InMemoryRecordSink()
    with pytest.raises(IntegrationError, match="stream pipeline: ConnectionError: pipeline went away"):
        synth.generate("structured", schema=SCHEMA, count=20_000, seed=1, stream_to="kafka:topic", sink=sink)


def test_a_plugin_that_returns_the_wrong_kind_of_object_is_refused_before_the_run() -> None:
    synth = _synth({"odd": lambda options: object()})
    with pytest.raises(UsageError, match="plugin 'odd' is not a stream pipeline"):
        synth.generate("structured", schema=SCHEMA, count=1, stream_to="odd")
    with pytest.raises(UsageError, match=r"--stream-to: unknown target 'nope' .*or an installed plugin: odd"):
        synth.generate("structured", schema=SCHEMA, count=1, stream_to="nope")


def test_workflows_run_in_process_with_overrides_and_check_their_options_at_registration() -> None:
    synth = _synth({})
    synth.register_workflow("daily-users", "structured", schema=SCHEMA, count=5, seed=3)
    first = synth.trigger_workflow("daily-users")
    again = synth.trigger_workflow("daily-users")
    bigger = synth.trigger_workflow("daily-users", count=12, seed=4)
    assert first.records == again.records and len(first) == 5 and len(bigger) == 12
    assert synth.workflows() == ["daily-users"]
    with pytest.raises(UsageError, match="no workflow named 'nightly'"):
        synth.trigger_workflow("nightly")
    with pytest.raises(UsageError):
        synth.register_workflow("broken", "structured", schema={"x": "no-such-type"})
    assert synth.workflows() == ["daily-users"]


def test_an_enabled_agentic_robotics_plugin_gets_the_workflows_and_runs_the_triggers() -> None:
    engine = FakeWorkflowEngine()
    synth = _synth({"agentic_robotics": lambda options: engine}, integrations={"agenticRobotics": {"enabled": True}})
    synth.register_workflow("w", "structured", schema=SCHEMA, count=2, seed=1)
    result = synth.trigger_workflow("w", count=3)
    assert list(engine.registered) == ["w"] and engine.triggered == [("w", {"count": 3})] and len(result) == 3
