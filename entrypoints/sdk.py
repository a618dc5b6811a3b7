"""AgenticSynth: the SDK, and the single path through which the CLI generates too."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from loguru import logger

from agentic_synth.adapters.config_file import LoadedConfig, load_config
from agentic_synth.adapters.python_types import model_builder, model_class_of
from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.adapters.sinks.atomic import writes_through
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.application.generate import ENGINE_TIMED_KINDS
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.batch.results import BatchResult, JobOutcome
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.dataset.results import DatasetResult
from agentic_synth.domain.errors import AgenticSynthError, UsageError
from agentic_synth.domain.generation.generators import Generator, parse_options, prepare_request
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.shards import as_part, starts_the_job
from agentic_synth.domain.ports import RecordSink
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.types import DEFAULT_LOCALE, LOCALES
from agentic_synth.entrypoints.batch import default_parallel, load_batch, plan_batch, run_batch
from agentic_synth.entrypoints.cache_control import CacheControl
from agentic_synth.entrypoints.container import Container, build_container, configure
from agentic_synth.entrypoints.integration_runs import plan_run
from agentic_synth.entrypoints.model_stack import RunRouting
from agentic_synth.entrypoints.run_limits import run_limits
from agentic_synth.entrypoints.tables import TableResult, collector_spared, record_batches

_SENTINEL = object()
# `generate` options that are not part of a request (register_workflow checks the rest up front)
_RUN_ONLY = frozenset({"output", "format", "sink", "csv_protect", "csv_header", "stream", "progress", "stdout",
                       "stream_to", "vectorize", "vectorize_with", "embedder"})


def load_sdk_config(config: Any) -> LoadedConfig:
    """`AgenticSynth(config=...)`: None (discover ./.agentic-synth.json), a path, a dict or a Settings."""
    if config is None:
        return load_config()
    if isinstance(config, LoadedConfig):
        return config
    if isinstance(config, Settings):
        return LoadedConfig.from_settings(config, "AgenticSynth(config=Settings(...))")
    if isinstance(config, str | Path):
        return load_config(config)
    if isinstance(config, Mapping):
        return load_config(payload=config)
    raise UsageError(f"config must be a path, a dict or a Settings, not {type(config).__name__}")


def new_seed() -> int:
    """A fresh seed for runs that did not ask for one (reported, so every run can be replayed)."""
    return secrets.randbelow(2**32)


class AgenticSynth:
    """Generate synthetic data from a schema.

    `config` is a path to a `.agentic-synth.json`, a dict in the same shape, or a `Settings`; without
    one, `./.agentic-synth.json` is used when present. `container` lets tests and embedding apps swap
    adapters (a fake model, their own sink, a clock); a given container keeps its configuration
    unless `config` is given too.
    """

    def __init__(self, config: Any = None, *, container: Container | None = None) -> None:
        self.container = container if container is not None else build_container()
        if config is not None or container is None:
            configure(self.container, load_sdk_config(config))
        self.config: Settings = self.container.settings()

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

    # --- requests ------------------------------------------------------------------------------

    def request(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                locale: str | None = None, mode: str | None = None, model: str | None = None,
                provider: str | None = None, prompt: str | None = None, examples: Any = None,
                batch_size: int | None = None, stream_replies: bool = False, budget: Any = None,
                strategy: str | None = None, fallback: Any = None, auto_route: bool = False,
                cache_policy: str | CachePolicy | None = None, concurrency: int | None = None,
                max_calls: int | None = None, timeout: Any = None, shard: Any = None,
                **options: Any) -> GenerationRequest:
        """Validate everything about a run before any output exists.

        `shard=(i, n)` (or "i/n") makes only index range i of n equal ranges of the job's records: the
        records a whole run makes there, so shards 0..n-1 joined are the whole run (docs/scale-out.md).

        `mode` defaults to engine when no model is chosen (`model`, `auto_route`, or
        `models.defaults.<kind>` with its key set), else llm for records and hybrid for time series
        and events. `budget` (USD), `strategy`, `fallback` and `auto_route` steer the model router;
        `concurrency`, `max_calls` and `timeout` ("90s", or seconds) bound an llm run (docs/providers.md).
        """
        routing = RunRouting.from_values(strategy=strategy, fallback=fallback, auto_route=auto_route, budget=budget)
        generator = self.container.registry().get(kind)
        takes = {spec.name for spec in generator.options}
        for option, value in self.container.settings().generator_defaults(kind).items():
            if option in takes and options.get(option) is None:
                options[option] = value  # the configuration's default for an option the call left out
        parsed_schema = load_schema(schema)
        if locale is not None and locale not in LOCALES:
            raise UsageError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
        model = model or self._default_model(kind, provider)
        if mode is None:
            chosen = model is not None or routing.auto_route
            mode = "engine" if not chosen else ("hybrid" if kind in ENGINE_TIMED_KINDS else "llm")
        ai = None
        if mode != "engine":
            if model is None and not routing.auto_route and not self.container.text_model.overridden:
                raise UsageError(f"--mode {mode} needs a model: pass --model (e.g. gemini-2.5-flash, "
                                 "openai/gpt-4o-mini or a model of a local server) or --auto-route")
            limits = run_limits(self.container.settings(), provider=self._provider_of(model, provider),
                                concurrency=concurrency, max_calls=max_calls, timeout=timeout)
            ai = AISettings(model=model, provider=provider, prompt=prompt,
                            examples=self._examples(examples, parsed_schema), batch_size=batch_size,
                            stream=stream_replies, given_options=tuple(k for k, v in options.items() if v is not None),
                            strategy=routing.strategy, fallback=routing.fallback, auto_route=routing.auto_route,
                            budget_usd=routing.budget_usd, **limits)
            if model is not None:
                self.model_choice(ai)  # an unknown provider or a missing key fails here, before any output
            self.container.run_text_models().check(kind, ai)  # prices under a budget, a usable model
        request = GenerationRequest(
            kind=kind, schema=parsed_schema, count=count, seed=new_seed() if seed is None else seed,
            options=parse_options(generator, options), mode=mode or "engine", locale=locale or DEFAULT_LOCALE,
            ai=ai, cache_policy=None if cache_policy is None else CachePolicy.parse(cache_policy, "cache_policy"),
            part=as_part(shard))
        if request.part is not None and (request.mode != "engine" or request.option("realtime")):
            why = "--realtime has no end" if request.mode == "engine" else f"mode {request.mode} calls a model"
            raise UsageError(f"--shard: a shard is an index range of a job the engine makes; {why}")
        return prepare_request(generator, request)

    def model_choice(self, ai: AISettings) -> str:
        """`gemini-2.5-pro (for gemini-pro) via gemini`: the model a run uses, as the notice shows it."""
        if self.container.text_model.overridden:
            return ai.model or "the configured model"
        if ai.model is None:
            strategy = ai.strategy or self.container.settings().models.routing.strategy
            return f"chosen per call by the {strategy} strategy (--auto-route)"
        return self.container.text_models().resolve(ai.model, ai.provider).describe()

    def _provider_of(self, model: str | None, provider: str | None) -> str | None:
        """The provider that serves `model` (None: routed per call, or an overridden text model)."""
        if model is None or self.container.text_model.overridden:
            return provider
        return self.container.text_models().resolve(model, provider).provider

    def _default_model(self, kind: str, provider: str | None) -> str | None:
        """`models.defaults.<kind>` when its provider is usable (its key is set)."""
        defaults = ((self.container.config() or {}).get("models") or {}).get("defaults") or {}
        name = defaults.get(kind) if isinstance(defaults, Mapping) else None
        if not isinstance(name, str) or not name:
            return None
        if self.container.text_model.overridden:
            return name
        try:
            self.container.text_models().resolve(name, provider)
        except AgenticSynthError:
            return None
        return name

    @staticmethod
    def _examples(examples: Any, schema: Schema) -> tuple[Mapping[str, Any], ...]:
        """Few-shot records: a list of dicts, or a json/jsonl/csv/parquet file (the first 20 rows)."""
        if examples is None:
            return ()
        if isinstance(examples, str | Path):
            rows = []
            for row in read_records(str(examples), schema):
                rows.append(row)
                if len(rows) == 20:
                    break
            if not rows:
                raise UsageError(f"--examples: '{examples}' holds no records")
            return tuple(rows)
        if not isinstance(examples, list | tuple):
            raise UsageError("examples must be a list of records or a file path")
        return tuple(examples)

    def generate(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                 output: str | Path | None = None, format: str | None = None, sink: RecordSink | None = None,
                 csv_protect: bool = True, stream: bool = False, progress: Callable[[int], None] | None = None,
                 stdout: Any = None, stream_to: Any = None, vectorize: bool = False, vectorize_with: Any = None,
                 embedder: Any = None, csv_header: bool | None = None, reference: str | None = None,
                 **options: Any) -> TableResult:
        """Generate records: kept in `.records`, or written to `output` (a path, '-' for stdout) or `sink`.

        `budget` (USD) caps model spending; `strategy`, `fallback` and `auto_route` steer model
        routing (see docs/routing-and-cost.md). They do nothing for the engine, which calls no model.
        A CSV shard other than the first has no header row (`csv_header` says otherwise), so that
        shards joined end to end are the single run's file.
        Integrations (docs/integrations.md): `stream=True` also sends records to the enabled stream
        pipeline, `stream_to` to a named one (`jsonl:PATH`, `midstreamer:NAME`); `vectorize=True`
        stores them in the enabled vector store, `vectorize_with` in a named one (`local:PATH`, `ruvector:PATH`).
        `stream_to="midstreamer"` with `reference=PATH` compares each series, window by window, with PATH's.
        """
        request = self.request(kind, schema=schema, count=count, seed=seed, stream_replies=stream, **options)
        tees = plan_run(self.container.integrations(), stream=stream, stream_to=stream_to, vectorize=vectorize,
                        vectorize_with=vectorize_with, embedder=embedder, reference=reference,
                        output_is_stdout=sink is None and output is not None and str(output) == "-")
        stream = stream or bool(request.option("realtime"))  # paced output is only useful as it happens
        fmt = None
        memory = None
        if format is not None and sink is None and output is None:
            raise UsageError("format needs an output path")
        # Everything slow happens before a file is opened, so a signal in between leaves none behind.
        use_case = self.container.generate_records()  # the registry loads plugins on first use
        logger.info("generating {} {} records (seed {}, locale {}, mode {})", request.count, kind, request.seed,
                    request.locale, request.mode)
        through = False  # records that went to stdout or a device cannot be taken back: a stop says how many did
        with collector_spared():
            if sink is None and output is not None:
                path = None if str(output) == "-" else str(output)
                through = writes_through(path)
                fmt = resolve_format(path, format)
                header = csv_header if csv_header is not None else starts_the_job(request.part)
                sink = self.container.sink_factory()(path, fmt, request.schema, stream=stream,
                                                      csv_protect=csv_protect, stdout=stdout, csv_header=header)
            if sink is None:
                memory = sink = InMemoryRecordSink()
            try:
                teed = tees.wrap(sink, request)
            except BaseException:  # Ctrl-C or a failing integration before the run: no file left behind
                sink.abort()
                raise
            meta = use_case.run(request, teed, progress=progress, keep_partial=stream or through)
        tees.report_into(meta)
        if request.mode == "engine" and any(options.get(k) for k in ("budget", "strategy", "fallback", "auto_route")):
            meta.notes.append("routing and budget options apply to model calls; the engine made none")
        meta.output = None if output is None else str(output)
        meta.format = fmt
        logger.info("generated {} records in {:.3f}s", meta.records, meta.seconds)
        model = model_class_of(schema)
        return TableResult(metadata=meta, chunks=memory.chunks if memory is not None else [], schema=request.schema,
                           model=None if model is None else model_builder(model))

    def generate_stream(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                        **options: Any) -> Iterator[dict[str, Any]]:
        """Yield records lazily, chunk by chunk (memory stays flat in count); in llm mode each record
        is yielded as soon as the model's streamed reply completes it."""
        request = self.request(kind, schema=schema, count=count, seed=seed, stream_replies=True, **options)
        for chunk in self.container.generate_records().chunks(request):
            yield from chunk.rows()

    def generate_batches(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                         **options: Any) -> Iterator[Any]:
        """Yield the records as pyarrow.RecordBatches, one per chunk (8,192 records), in flat memory.

        The batches are built from the engine's column buffers, with the types Parquet gets.
        """
        request = self.request(kind, schema=schema, count=count, seed=seed, stream_replies=True, **options)
        yield from record_batches(self.container.generate_records().chunks(request), request.schema)

    async def agenerate(self, kind: str, **kwargs: Any) -> TableResult:
        """`generate` without blocking the event loop (runs in a worker thread)."""
        return await asyncio.to_thread(lambda: self.generate(kind, **kwargs))

    async def astream(self, kind: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """`generate_stream` as an async iterator; each chunk is made in a worker thread."""
        request = self.request(kind, **kwargs)
        chunks = self.container.generate_records().chunks(request)
        while True:
            chunk = await asyncio.to_thread(next, chunks, _SENTINEL)
            if chunk is _SENTINEL:
                return
            for row in chunk.rows():  # type: ignore[attr-defined]
                yield row

    def generate_dataset(self, dataset: Any, *, output: str | Path | None = None, format: str | None = None,
                         seed: int | None = None, locale: str | None = None, if_exists: str = "fail",
                         create: bool = True, csv_protect: bool = True,
                         progress: Callable[[int], None] | None = None) -> DatasetResult:
        """Make a dataset's related tables (a dataset file, or a dict in its shape): see docs/datasets.md.

        `output` is a directory (one `format` file per table), `sqlite:///PATH` or `postgresql://...`;
        without it each table's rows come back in `result.tables`. Every table is written, or none.
        """
        from agentic_synth.entrypoints.datasets import run_dataset  # pyarrow and the dataset engine on use

        return run_dataset(self.container, dataset, output=output, format=format, seed=seed, locale=locale,
                           if_exists=if_exists, create=create, csv_protect=csv_protect, new_seed=new_seed,
                           progress=progress)

    def batch(self, config_or_jobs: Any, *, output_dir: str | Path = ".", parallel: int | None = None,
              seed: int | None = None, fail_fast: bool = False, executor: str = "auto",
              scheduler: str | None = None, resume: bool = False,
              on_done: Callable[[JobOutcome], None] | None = None) -> BatchResult:
        """Run many jobs (a batch file, a dict in its shape or a list of jobs) into `output_dir`.

        Every job is checked before any file is written; each is a `generate` call, and a large engine
        job is split into part files. A job's failure is in its outcome (`result.failed`), not raised.
        `executor` is auto, local, thread or dask (`scheduler`: tcp://host:8786 or dask:local);
        `resume` skips what `output_dir/_manifest.json` lists. See docs/batch.md and docs/scale-out.md.
        """
        spec = load_batch(config_or_jobs)
        parallel = parallel or default_parallel(spec, len(spec.jobs))
        plan = plan_batch(self, spec, output_dir, seed=seed, new_seed=new_seed, workers=parallel, resume=resume)
        return run_batch(self, plan, parallel=parallel, executor=executor, fail_fast=fail_fast, on_done=on_done,
                         scheduler=scheduler, resume=resume)
    # --- integrations (docs/integrations.md) -------------------------------------------------------

    def register_workflow(self, name: str, kind: str, **options: Any) -> None:
        """Name a generation (`kind` and `generate` options) so `trigger_workflow(name)` runs it.

        With agentic-robotics enabled and installed, the workflow is registered with it too and
        triggered through it; otherwise it runs in this process. Options are checked now.
        """
        checked = {k: v for k, v in options.items() if k not in _RUN_ONLY}
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

