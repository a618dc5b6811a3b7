"""AgenticSynth: the SDK, and the single path through which the CLI generates too."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from loguru import logger

from agentic_synth.adapters.config_file import load_sdk_config
from agentic_synth.adapters.python_types import model_builder, model_class_of
from agentic_synth.adapters.sinks.atomic import writes_through
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.batch.results import BatchResult, JobOutcome
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.dataset.results import DatasetResult
from agentic_synth.domain.errors import Interrupted, UsageError
from agentic_synth.domain.generation.generators import Generator
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.shards import starts_the_job
from agentic_synth.domain.ports import RecordSink
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.entrypoints.cache_control import CacheControl
from agentic_synth.entrypoints.call_checks import keywords, refuse_keywords, sdk_spelling
from agentic_synth.entrypoints.container import Container, build_container, configure
from agentic_synth.entrypoints.integration_runs import RunIntegrations, plan_run
from agentic_synth.entrypoints.model_stack import ModelStack
from agentic_synth.entrypoints.provider_lease import ProviderLease
from agentic_synth.entrypoints.request_builder import build_request, model_choice, new_seed
from agentic_synth.entrypoints.tables import TableResult, collector_spared, record_batches

_SENTINEL = object()
# `generate` keywords that are not part of a request (register_workflow checks the rest up front)
RUN_KEYWORDS = frozenset({"output", "format", "sink", "csv_protect", "csv_header", "stream", "line_buffered",
                          "to_pipeline", "progress", "stdout", "stream_to", "vectorize", "vectorize_with", "embedder",
                          "reference", "on_start"})
# what generate_stream / astream say about a `generate` keyword they cannot honour
_NOT_STREAMED = {name: f"it yields the records; generate(..., {name}=...) writes them"
                 for name in sorted(RUN_KEYWORDS - {"progress", "stream"})}
STREAM_DEPRECATED = ("generate(stream=...) is deprecated: it meant three things, say which: line_buffered=True "
                     "writes the output line by line as records are made, to_pipeline=True also sends them to the "
                     "enabled stream pipeline, stream_replies=True streams the model's replies")


class AgenticSynth:
    """Generate synthetic data from a schema.

    `config` is a path to a `.agentic-synth.json`, a dict in the same shape, or a `Settings`; without
    one, `./.agentic-synth.json` is used when present. `container` lets tests and embedding apps swap
    adapters (a provider's adapter, their own sink, a clock); a given container keeps its
    configuration unless `config` is given too.
    """

    def __init__(self, config: Any = None, *, container: Container | None = None) -> None:
        self.container = container if container is not None else build_container()
        if config is not None or container is None:
            configure(self.container, load_sdk_config(config))
        self.config: Settings = self.container.settings()
        self._lease = ProviderLease(self.container.provider_models)

    def close(self) -> None:
        """Close the providers' HTTP clients (a later call connects again)."""
        self.container.shutdown_resources()

    def __enter__(self) -> AgenticSynth:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cache(self) -> CacheControl:
        """The response cache: `.stats()`, `.clear()`, `.invalidate(...)`, `.path()`."""
        return CacheControl(self.container)

    # --- generators ----------------------------------------------------------------------------

    def register_generator(self, generator: Generator, *, replace: bool = False) -> None:
        """Make a custom generator available under its `type` name."""
        self.container.registry().register(generator, origin="code", replace=replace)

    def generators(self) -> list[str]:
        return self.container.registry().names()

    # --- one run: a request, then its records ------------------------------------------------------

    def request(self, kind: str, *, schema: Any = None, count: int | None = None, seed: int | None = None,
                locale: str | None = None, mode: str | None = None, model: str | None = None,
                provider: str | None = None, prompt: str | None = None, examples: Any = None,
                batch_size: int | None = None, stream_replies: bool = False, budget: Any = None,
                strategy: str | None = None, fallback: Any = None, auto_route: bool = False,
                cache_policy: str | CachePolicy | None = None, concurrency: int | None = None,
                max_calls: int | None = None, timeout: Any = None, shard: Any = None,
                **options: Any) -> GenerationRequest:
        """Validate everything about a run before any output exists; `run(request)` then makes its records.

        `schema` None takes the generator's default schema (timeseries and events have one).

        `mode` defaults to engine when no model is chosen (`model`, `auto_route`, or
        `models.defaults.<kind>` with its key set), else llm for records and hybrid for time series
        and events. `budget` (USD), `strategy`, `fallback` and `auto_route` steer the model router;
        `concurrency`, `max_calls` and `timeout` ("90s", or seconds) bound an llm run (docs/providers.md).
        `shard=(i, n)` (or "i/n") makes only index range i of n equal ranges of the job's records: the
        records a whole run makes there, so shards 0..n-1 joined are the whole run (docs/scale-out.md).
        """
        with sdk_spelling("request", keywords(self.request)):
            return build_request(self.container, kind, schema=schema, count=count, seed=seed, locale=locale, mode=mode,
                                 model=model, provider=provider, prompt=prompt, examples=examples,
                                 batch_size=batch_size, stream_replies=stream_replies, budget=budget,
                                 strategy=strategy, fallback=fallback, auto_route=auto_route,
                                 cache_policy=cache_policy, concurrency=concurrency, max_calls=max_calls,
                                 timeout=timeout, shard=shard, **options)

    def model_choice(self, ai: AISettings) -> str:
        """`gemini-2.5-pro (for gemini-pro) via gemini`: the model a run uses, as the notice shows it."""
        return model_choice(self.container, ai)

    def model_stack(self, request: GenerationRequest, *, shared_budget: Budget | None = None) -> ModelStack | None:
        """The request's model stack (None for the engine): prices under a budget and a usable model are
        checked now, before any output exists. `shared_budget` is a Budget shared between runs (a batch's)."""
        if request.ai is None:
            return None
        ai = request.ai
        stack: ModelStack = self.container.model_stack(routing=ai.routing, kind=request.kind, model=ai.model,
                                                       budget=shared_budget)
        if ai.model is None:
            stack.ensure_usable(request.kind)
        return stack

    def run(self, request: GenerationRequest, *, output: str | Path | None = None, format: str | None = None,
            sink: RecordSink | None = None, csv_protect: bool = True, line_buffered: bool = False,
            to_pipeline: bool = False, progress: Callable[[int], None] | None = None, stdout: Any = None,
            stream_to: Any = None, vectorize: bool = False, vectorize_with: Any = None, embedder: Any = None,
            csv_header: bool | None = None, models: ModelStack | None = None, shared_budget: Budget | None = None,
            model_class: type | None = None, reference: str | None = None,
            on_start: Callable[[GenerationRequest], None] | None = None) -> TableResult:
        """Make a request's records: kept in `.records`, or written to `output` (a path, '-' for stdout) or `sink`.

        `line_buffered` writes jsonl/csv in place as records are made (the CLI's --stream);
        `to_pipeline` also sends them to the enabled stream pipeline, `stream_to` to a named one
        (`jsonl:PATH`, `midstreamer:NAME`); `vectorize` stores them in the enabled vector store,
        `vectorize_with` in a named one (docs/integrations.md). `models` is the run's model stack
        when the caller built it (`model_stack(request)`); `shared_budget` a Budget shared with other runs.
        A CSV shard other than the first has no header row (`csv_header` says otherwise), so that shards
        joined end to end are the single run's file. `model_class` (the pydantic, dataclass or attrs class
        the schema came from) lets `result.as_models()` build its instances. `stream_to="midstreamer"` with
        `reference=PATH` compares each series, window by window, with PATH's. `on_start(request)` is called
        once every check has passed (integrations opened too), just before the first record is made.
        """
        with self._lease.held():
            return self._tee_and_run(request, output=output, format=format, sink=sink, csv_protect=csv_protect,
                                     line_buffered=line_buffered, to_pipeline=to_pipeline, progress=progress,
                                     stdout=stdout, stream_to=stream_to, vectorize=vectorize,
                                     vectorize_with=vectorize_with, embedder=embedder, csv_header=csv_header,
                                     models=models, shared_budget=shared_budget, model_class=model_class,
                                     reference=reference, on_start=on_start)

    def _tee_and_run(self, request: GenerationRequest, *, to_pipeline: bool, stream_to: Any, vectorize: bool,
                     vectorize_with: Any, embedder: Any, models: ModelStack | None, shared_budget: Budget | None,
                     reference: str | None, output: str | Path | None, sink: RecordSink | None,
                     **run: Any) -> TableResult:
        models = models if models is not None else self.model_stack(request, shared_budget=shared_budget)
        tees = plan_run(self.container.integrations(), to_pipeline=to_pipeline, stream_to=stream_to,
                        vectorize=vectorize, vectorize_with=vectorize_with, embedder=embedder, reference=reference,
                        output_is_stdout=sink is None and output is not None and str(output) == "-")
        try:
            return self._run(request, tees, output=output, sink=sink, models=models, **run)
        finally:
            tees.discard()  # nothing left open when the run failed before its tee took charge

    def _run(self, request: GenerationRequest, tees: RunIntegrations, *, output: str | Path | None,
             format: str | None, sink: RecordSink | None, csv_protect: bool, line_buffered: bool,
             progress: Callable[[int], None] | None, stdout: Any, csv_header: bool | None,
             models: ModelStack | None, model_class: type | None,
             on_start: Callable[[GenerationRequest], None] | None) -> TableResult:
        line_buffered = line_buffered or bool(request.option("realtime"))  # paced output is only useful as it happens
        fmt = None
        memory = None
        if format is not None and sink is None and output is None:
            raise UsageError("format needs an output path")
        use_case = self.container.generate_records()  # slow parts first (plugins load), then a file is opened
        through = False  # records that went to stdout or a device cannot be taken back: a stop says how many did
        try:
            if sink is None and output is not None:
                path = None if str(output) == "-" else str(output)
                through = writes_through(path)
                fmt = resolve_format(path, format)
                header = csv_header if csv_header is not None else starts_the_job(request.part)
                sink = self.container.sink_factory()(path, fmt, request.schema, stream=line_buffered,
                                                      csv_protect=csv_protect, stdout=stdout, csv_header=header)
            if sink is None:
                memory = sink = InMemoryRecordSink()
            try:
                teed = tees.wrap(sink, request)
                if on_start is not None:
                    on_start(request)  # every check has passed: the CLI's notice comes now
            except Exception:  # a failing integration before the run: no file left behind
                sink.abort()
                raise
            logger.info("generating {} {} records (seed {}, locale {}, mode {})", request.count, request.kind,
                        request.seed, request.locale, request.mode)
            with collector_spared():
                meta = use_case.run(request, teed, models=models, progress=progress,
                                    keep_partial=line_buffered or through)
        except KeyboardInterrupt:  # before the use case took charge of the sink (it answers for it after)
            if sink is not None:
                sink.abort()
            raise Interrupted("interrupted; no output written") from None
        tees.report_into(meta)
        meta.notes.extend(request.notes)
        meta.output = None if output is None else str(output)
        meta.format = fmt
        logger.info("generated {} records in {:.3f}s", meta.records, meta.seconds)
        return TableResult(metadata=meta, chunks=memory.chunks if memory is not None else [], schema=request.schema,
                           model=None if model_class is None else model_builder(model_class))

    def generate(self, kind: str, *, schema: Any = None, output: str | Path | None = None, format: str | None = None,
                 sink: RecordSink | None = None, csv_protect: bool = True, line_buffered: bool = False,
                 to_pipeline: bool = False, stream_replies: bool = False, progress: Callable[[int], None] | None = None,
                 stdout: Any = None, stream_to: Any = None, vectorize: bool = False, vectorize_with: Any = None,
                 embedder: Any = None, csv_header: bool | None = None, reference: str | None = None,
                 stream: bool | None = None, on_start: Callable[[GenerationRequest], None] | None = None,
                 **options: Any) -> TableResult:
        """`request(kind, ...)` then `run(request, ...)`: generate records in one call.

        `budget` (USD) caps model spending; `strategy`, `fallback` and `auto_route` steer model
        routing (docs/routing-and-cost.md); they do nothing for the engine, which calls no model.
        `stream_replies` asks models for streamed replies. `stream=` is deprecated (a warning):
        it means all three of `line_buffered`, `to_pipeline` and `stream_replies`.
        """
        if stream is not None:
            warnings.warn(STREAM_DEPRECATED, DeprecationWarning, stacklevel=2)
            line_buffered, to_pipeline, stream_replies = (line_buffered or stream, to_pipeline or stream,
                                                          stream_replies or stream)
        with sdk_spelling("generate", keywords(self.generate, self.request)):
            request = self.request(kind, schema=schema, stream_replies=stream_replies, **options)
        return self.run(request, output=output, format=format, sink=sink, csv_protect=csv_protect,
                        line_buffered=line_buffered, to_pipeline=to_pipeline, progress=progress, stdout=stdout,
                        stream_to=stream_to, vectorize=vectorize, vectorize_with=vectorize_with, embedder=embedder,
                        csv_header=csv_header, model_class=model_class_of(schema), reference=reference,
                        on_start=on_start)

    def generate_stream(self, kind: str, *, schema: Any = None, count: int | None = None, seed: int | None = None,
                        **options: Any) -> Iterator[dict[str, Any]]:
        """Yield records lazily, chunk by chunk (memory stays flat in count); in llm mode each record
        is yielded as soon as the model's streamed reply completes it."""
        refuse_keywords("generate_stream", options, _NOT_STREAMED)
        with sdk_spelling("generate_stream", keywords(self.generate_stream, self.request)):
            request = self.request(kind, schema=schema, count=count, seed=seed, stream_replies=True, **options)
        with self._lease.held():
            models = self.model_stack(request)
            for chunk in self.container.generate_records().chunks(request, models=models):
                yield from chunk.rows()

    def generate_batches(self, kind: str, *, schema: Any = None, count: int | None = None, seed: int | None = None,
                         **options: Any) -> Iterator[Any]:
        """Yield the records as pyarrow.RecordBatches, one per chunk (8,192 records), in flat memory.

        The batches are built from the engine's column buffers, with the types Parquet gets.
        """
        refuse_keywords("generate_batches", options, _NOT_STREAMED)
        with sdk_spelling("generate_batches", keywords(self.generate_batches, self.request)):
            request = self.request(kind, schema=schema, count=count, seed=seed, stream_replies=True, **options)
        with self._lease.held():
            chunks = self.container.generate_records().chunks(request, models=self.model_stack(request))
            yield from record_batches(chunks, request.schema)

    async def agenerate(self, kind: str, **kwargs: Any) -> TableResult:
        """`generate` without blocking the event loop (runs in a worker thread)."""
        return await asyncio.to_thread(lambda: self.generate(kind, **kwargs))

    async def astream(self, kind: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """`generate_stream` as an async iterator; each chunk is made in a worker thread."""
        refuse_keywords("astream", kwargs, _NOT_STREAMED)
        with sdk_spelling("astream", keywords(self.generate_stream, self.request)):
            request = self.request(kind, **kwargs)
        with self._lease.held():
            chunks = self.container.generate_records().chunks(request, models=self.model_stack(request))
            while True:
                chunk = await asyncio.to_thread(next, chunks, _SENTINEL)
                if chunk is _SENTINEL:
                    return
                for row in chunk.rows():  # type: ignore[attr-defined]
                    yield row

    def generate_dataset(self, dataset: Any, *, output: str | Path | None = None, format: str | None = None,
                         seed: int | None = None, locale: str | None = None, if_exists: str = "fail",
                         create: bool = True, csv_protect: bool = True, shard: Any = None,
                         progress: Callable[[int], None] | None = None) -> DatasetResult:
        """Make a dataset's related tables (a dataset file, or a dict in its shape): see docs/datasets.md.

        `output` is a directory (one `format` file per table), `sqlite:///PATH` or `postgresql://...`;
        without it each table's rows come back in `result.tables`. Every table is written, or none.
        `shard=(i, n)` (or "i/n") makes only shard i of n of every table: shards 0..n-1 joined table by
        table are the whole run, and every reference resolves in the join (docs/datasets.md).
        """
        from agentic_synth.entrypoints.datasets import run_dataset  # pyarrow and the dataset engine on use

        return run_dataset(self.container, dataset, output=output, format=format, seed=seed, locale=locale,
                           if_exists=if_exists, create=create, csv_protect=csv_protect, new_seed=new_seed,
                           shard=shard, progress=progress)

    def batch(self, config_or_jobs: Any, *, output_dir: str | Path = ".", parallel: int | None = None,
              seed: int | None = None, fail_fast: bool = False, executor: str = "auto",
              scheduler: str | None = None, resume: bool = False,
              on_done: Callable[[JobOutcome], None] | None = None) -> BatchResult:
        """Run many jobs (a batch file, a dict in its shape or a list of jobs) into `output_dir`.

        Every job is checked before any file is written; each is a `run` of its request, and a large
        engine job is split into part files. A job's failure is in its outcome (`result.failed`), not
        raised. `executor` is auto, local, thread or dask (`scheduler`: tcp://host:8786 or dask:local);
        `resume` skips what `output_dir/_manifest.json` lists. See docs/batch.md and docs/scale-out.md.
        """
        from agentic_synth.entrypoints.batch import default_parallel, load_batch, plan_batch, run_batch  # yaml

        spec = load_batch(config_or_jobs)
        parallel = parallel or default_parallel(spec, len(spec.jobs))
        with self._lease.held():  # the jobs' model stacks are built by the plan and used by the runs
            plan = plan_batch(self, spec, output_dir, seed=seed, new_seed=new_seed, workers=parallel, resume=resume)
            return run_batch(self, plan, parallel=parallel, executor=executor, fail_fast=fail_fast,
                             on_done=on_done, scheduler=scheduler, resume=resume)

    # --- integrations (docs/integrations.md) -------------------------------------------------------

    def register_workflow(self, name: str, kind: str, **options: Any) -> None:
        """Name a generation (`kind` and `generate` options) so `trigger_workflow(name)` runs it.

        With agentic-robotics enabled and installed, the workflow is registered with it too and
        triggered through it; otherwise it runs in this process. Options are checked now.
        """
        checked = {k: v for k, v in options.items() if k not in RUN_KEYWORDS}
        self.request(kind, **checked)  # a bad schema or option fails at registration, not at trigger time

        def run(overrides: Mapping[str, Any]) -> TableResult:
            return self.generate(kind, **{**options, **overrides})

        integrations = self.container.integrations()
        integrations.local_workflows.register_workflow(name, run)
        engine = integrations.workflow_engine()
        if engine.is_available():
            engine.register_workflow(name, run)

    def trigger_workflow(self, name: str, **overrides: Any) -> Any:
        """Run a registered workflow now (its options, with `overrides` on top); returns its result."""
        integrations = self.container.integrations()
        engine = integrations.workflow_engine()
        if engine.is_available():
            return engine.trigger_workflow(name, overrides)
        return integrations.local_workflows.trigger_workflow(name, overrides)

    def workflows(self) -> list[str]:
        return self.container.integrations().local_workflows.names()

    def vector_search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]:
        """Records of the enabled vector store nearest to `query`, best first (`score`, `record`, `metadata`)."""
        store = self.container.integrations().vector_store()
        if not store.is_available():
            raise UsageError(f"vector_search needs a vector store: {getattr(store, 'reason', 'none is enabled')}")
        return store.search(query, limit)

    @staticmethod
    def schema(payload: Mapping[str, Any]) -> Schema:
        """Parse and check a schema (raises SchemaError naming the path)."""
        return Schema.from_payload(payload)

