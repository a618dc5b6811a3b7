"""Run a dataset: parse it, plan it, open its sink from the container, and write every table (SDK and CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentic_synth.adapters.dataset_file import load_dataset
from agentic_synth.adapters.datasets.directory import InMemoryDatasetSink
from agentic_synth.adapters.datasets.generator import DatasetEngine
from agentic_synth.adapters.datasets.outputs import is_database, redact_url
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.domain.dataset.model import Dataset
from agentic_synth.domain.dataset.results import DatasetMetadata, DatasetResult
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import DatasetSink
from agentic_synth.domain.schema.types import DEFAULT_LOCALE, LOCALES
from agentic_synth.entrypoints.container import Container


def plan_run(dataset: Any, *, seed: int | None, locale: str | None,
             new_seed: Callable[[], int]) -> tuple[Dataset, DatasetEngine]:
    """Parse the dataset and plan every table (counts, keys' room) before any output exists."""
    parsed = load_dataset(dataset)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
    if locale is not None and locale not in LOCALES:
        raise UsageError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
    chosen = seed if seed is not None else parsed.seed if parsed.seed is not None else new_seed()
    return parsed, DatasetEngine(parsed, chosen, locale or parsed.locale or DEFAULT_LOCALE)


def run_dataset(container: Container, dataset: Any, *, output: str | Path | None = None, format: str | None = None,
                seed: int | None = None, locale: str | None = None, if_exists: str = "fail", create: bool = True,
                csv_protect: bool = True, new_seed: Callable[[], int],
                progress: Callable[[int], None] | None = None) -> DatasetResult:
    parsed, engine = plan_run(dataset, seed=seed, locale=locale, new_seed=new_seed)
    memory: InMemoryDatasetSink | None = None
    sink: DatasetSink
    if output is None:
        if format is not None or not create or if_exists != "fail":
            raise UsageError("format, if_exists and create need an output (a directory or a database URL)")
        sink = memory = InMemoryDatasetSink(InMemoryRecordSink)
    else:
        sink = container.dataset_sink_factory()(str(output), parsed, fmt=format, open_sink=container.sink_factory(),
                                                if_exists=if_exists, create=create, csv_protect=csv_protect)
    try:
        numbers = sink.first_numbers()
        if numbers:  # appending: integer keys go on after the rows already there
            engine = DatasetEngine(parsed, engine.seed, engine.locale, numbers)
    except BaseException:
        sink.abort()
        raise
    where = None if output is None else redact_url(str(output))
    fmt = None if output is None or is_database(str(output)) else (format or "jsonl")
    meta = DatasetMetadata(seed=engine.seed, locale=engine.locale, output=where, format=fmt)
    container.generate_dataset().run(engine.tables(), sink, meta, progress=progress)
    tables = {name: s.records for name, s in memory.sinks.items()} if memory is not None else {}
    return DatasetResult(tables=tables, metadata=meta)
