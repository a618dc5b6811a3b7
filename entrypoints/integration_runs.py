"""What one run tees its records to: a stream pipeline and a vector store, from its options or enabled ones."""

from __future__ import annotations

import contextlib
from typing import Any

import attrs

from agentic_synth.adapters.integrations.jsonl_stream import JsonlStreamPipeline
from agentic_synth.adapters.integrations.ruvector import RuvectorVectorStore
from agentic_synth.adapters.integrations.ruvector_rvf import RvfVectorStore
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore
from agentic_synth.application.tee import TeeRecordSink
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.domain.ports import RecordSink, StreamPipeline, VectorStore
from agentic_synth.entrypoints.integrations import Integrations


@attrs.define
class RunIntegrations:
    """The pipeline and store of one run (either may be None), how to name them, and notes for the metadata."""

    pipeline: StreamPipeline | None = None
    pipeline_label: str = ""
    owned: bool = True
    store: VectorStore | None = None
    store_label: str = ""
    notes: list[str] = attrs.field(factory=list)
    tee: TeeRecordSink | None = None

    def wrap(self, sink: RecordSink, request: GenerationRequest) -> RecordSink:
        if self.pipeline is None and self.store is None:
            return sink
        metadata = {"kind": request.kind, "mode": request.mode, "seed": request.seed, "locale": request.locale}
        self.tee = TeeRecordSink(sink, pipeline=self.pipeline, store=self.store, metadata=metadata, owned=self.owned)
        return self.tee

    def discard(self) -> None:
        """A run that ends before its tee took charge closes the pipeline it opened (its connection)."""
        if self.tee is None and self.pipeline is not None and self.owned:
            with contextlib.suppress(Exception):
                self.pipeline.close()

    def report_into(self, meta: RunMetadata) -> None:
        meta.notes.extend(self.notes)
        if self.tee is not None and self.pipeline is not None:
            counters = getattr(self.pipeline, "counters", None)  # the built-in URL pipelines count what was acked
            stream = counters.to_dict() if counters is not None else {"target": self.pipeline_label,
                                                                      "records": self.tee.streamed}
            meta.integrations["stream"] = stream
            created = getattr(self.pipeline, "created", None)  # a JetStream stream made for the subject
            meta.notes.append(f"streamed {self.tee.streamed} records to {self.pipeline_label}"
                              + (f" (created JetStream stream {created})" if created else ""))
            similarity = getattr(self.pipeline, "report", None)  # --stream-to midstreamer --reference REF
            if callable(similarity):
                report = similarity()
                meta.integrations["similarity"] = report
                meta.notes.extend(similarity_notes(report, getattr(self.pipeline, "notice", None)))
        if self.tee is not None and self.store is not None:
            meta.notes.append(f"vectorized {self.tee.vectorized} records into {self.store_label}")


def similarity_notes(report: dict[str, Any], notice: str | None) -> list[str]:
    """The lines a rolling comparison adds to a run's notes: which analyzer, then each series' mean similarity."""
    parts = []
    for series in report["series"]:
        name = series["column"] if series["series"] is None else f"{series['column']}[{series['series']}]"
        parts.append(f"{name} {series['mean_similarity']:.4f} over {series['windows']} windows")
    line = (f"similarity to {report['reference']} ({report['analyzer']}, windows of {report['window']} points): "
            + ("; ".join(parts) or "no series in common with the reference"))
    return ([f"similarity: {notice.removeprefix('agentic-synth: ')}"] if notice else []) + [line]


def plan_run(integrations: Integrations, *, to_pipeline: bool, stream_to: Any, vectorize: bool, vectorize_with: Any,
             embedder: Any = None, output_is_stdout: bool, reference: str | None = None) -> RunIntegrations:
    """Open what the run names (errors now, before any output exists) or take the SDK's enabled integrations."""
    plan = RunIntegrations()
    if reference is not None and not (isinstance(stream_to, str) and stream_to.split(":")[0] == "midstreamer"):
        raise UsageError("--reference goes with --stream-to midstreamer (the rolling comparison while generating); "
                         "to compare a file afterwards use: agentic-synth validate --reference REF DATA")
    try:
        if stream_to is not None:
            if isinstance(stream_to, str):
                plan.pipeline = integrations.open_stream(stream_to, reference=reference)
                counters = getattr(plan.pipeline, "counters", None)
                plan.pipeline_label = counters.target if counters is not None else stream_to  # URLs without secrets
            else:
                plan.pipeline, plan.pipeline_label = integrations.use_run_pipeline(stream_to), type(stream_to).__name__
                plan.owned = False  # the caller's object: the caller closes it
            if output_is_stdout and isinstance(plan.pipeline, JsonlStreamPipeline) and plan.pipeline.target == "-":
                raise UsageError(f"--stream-to {stream_to}: the output already goes to stdout; write it to a file "
                                 "with -o PATH")
        elif to_pipeline:
            configured = integrations.stream_pipeline()
            if configured.is_available():
                plan.pipeline, plan.owned = configured, False
                plan.pipeline_label = _label(configured, type(configured).__name__)
            elif integrations.enabled("midstreamer"):  # configured but not installed: say so, do not fail
                plan.notes.append(f"not streamed: {getattr(configured, 'reason', 'midstreamer is not available')}")
        if vectorize_with is not None:
            if isinstance(vectorize_with, str):
                plan.store, plan.store_label = integrations.open_store(vectorize_with, embedder), vectorize_with
            else:
                plan.store, plan.store_label = integrations.use_run_store(vectorize_with), type(vectorize_with).__name__
        elif vectorize:
            configured_store = integrations.vector_store()
            if not configured_store.is_available():
                reason = getattr(configured_store, "reason", "no vector store is enabled")
                raise UsageError(f"vectorize=True needs a vector store: {reason}; call enable_ruvector(synth, "
                                 "db_path=...) or enable_local_vectors(...), or pass vectorize_with='local:PATH'")
            plan.store, plan.store_label = configured_store, _label(configured_store, type(configured_store).__name__)
    except BaseException:
        plan.discard()  # a later check failed: the stream connection it opened is closed
        raise
    return plan


def _label(adapter: Any, default: str) -> str:
    """`local:./data/vectors.sqlite`, `ruvector:./data/vectors.db`, or the adapter's class name."""
    name = {SqliteVectorStore: "local", RuvectorVectorStore: "ruvector-hnsw", RvfVectorStore: "ruvector"}.get(
        type(adapter), default)
    path = getattr(adapter, "path", None)
    return f"{name}:{path}" if path is not None else name
