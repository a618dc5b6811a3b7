"""One batch task (a job, or one part file of a sharded job) as an SDK `run` of its request, wherever it runs."""

from __future__ import annotations

import gc
import hashlib
import signal
import time
from pathlib import Path
from typing import Any, Protocol

import attrs
import orjson

from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.serialization import structure, unstructure
from agentic_synth.domain.batch.results import CANCELLED, FAILED, INTERRUPTED, OK, JobOutcome
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import AgenticSynthError, ExitCode, Interrupted, exit_code_for
from agentic_synth.domain.generation.shards import RecordRange

PreparedRun = tuple[Any, Any]  # (GenerationRequest, ModelStack | None) of a task run in this process


class StopSignal(Protocol):
    """A threading or multiprocessing Event: set by the parent to stop the jobs."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...


class Counters(Protocol):
    """Records made so far, per task (a list, or a multiprocessing Array shared with the workers)."""

    def __getitem__(self, index: int) -> int: ...

    def __setitem__(self, index: int, value: int) -> None: ...


@attrs.frozen
class JobTask:
    """A checked job or part, ready to run: plain data, so it can be sent to a worker process or a cluster."""

    index: int
    name: str
    kind: str
    seed: int
    path: str
    format: str
    args: dict[str, Any]
    mode: str
    count: int | None
    movable: bool  # an engine job of a built-in or plugin generator: a worker process can run it
    part: int | None = None  # the part number of a sharded job, whose records are `records`
    parts: int = 1
    records: RecordRange | None = None
    fingerprint: str = ""


def run_task(synth: Any, task: JobTask, stop: StopSignal, executor: str,
             counters: Counters | None = None, prepared: PreparedRun | None = None) -> JobOutcome:
    """Run one task to its file; never raises for the task's own failure (the outcome says why).

    `prepared` is the task's request and model stack as the batch's check built them (a model job's
    stack draws on the batch's shared Budget); elsewhere (a worker process, a part file) the request
    is built again from the task's plain data.
    """

    def progress(made: int) -> None:
        if counters is not None:
            counters[task.index] += made
        if stop.is_set():
            raise KeyboardInterrupt  # GenerateRecords turns this into Interrupted, discarding a partial file

    base: dict[str, Any] = {"name": task.name, "kind": task.kind, "seed": task.seed, "executor": executor}
    if stop.is_set():
        return JobOutcome(status=CANCELLED, error="not started: the batch was stopped", **base)
    started = time.perf_counter()
    extra = {} if task.records is None else {"shard": task.records}
    try:
        from agentic_synth.entrypoints.sdk import RUN_KEYWORDS

        run_args = {k: v for k, v in task.args.items() if k in RUN_KEYWORDS}
        request, models = prepared if prepared is not None else (synth.request(
            task.kind, **extra, **{k: v for k, v in task.args.items() if k not in RUN_KEYWORDS}), None)
        result = synth.run(request, output=task.path, format=task.format, progress=progress, models=models,
                           **run_args)
    except Interrupted as exc:
        kept = Path(task.path).is_file() and "no output written" not in str(exc)
        return JobOutcome(status=INTERRUPTED, error=str(exc), exit_code=exc.exit_code,
                          file=task.path if kept else None, seconds=time.perf_counter() - started, **base)
    except AgenticSynthError as exc:
        kept = bool(getattr(exc, "keeps_records", False)) and Path(task.path).is_file()
        return JobOutcome(status=FAILED, error=str(exc).replace("\n", " "), exit_code=exit_code_for(exc),
                          file=task.path if kept else None, seconds=time.perf_counter() - started, **base)
    except Exception as exc:  # a bug of ours or a plugin's: this job fails, the others go on
        return JobOutcome(status=FAILED, error=f"internal error: {type(exc).__name__}: {exc}",
                          exit_code=ExitCode.INTERNAL, seconds=time.perf_counter() - started, **base)
    meta = result.metadata
    digest, size = file_digest(task.path)
    return JobOutcome(status=OK, file=task.path, records=meta.records, seconds=time.perf_counter() - started,
                      calls=meta.calls, cost_usd=meta.cost_usd, metadata=meta.to_dict(), sha256=digest, bytes=size,
                      **base)


def file_digest(path: str) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def keyless_settings(settings: Settings) -> dict[str, Any]:
    """The settings as plain data without any key: what a worker process needs to run engine jobs."""

    def strip(value: Any) -> Any:
        if isinstance(value, Secret):
            return None
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    stripped: dict[str, Any] = strip(unstructure(settings))
    return stripped


_worker: dict[str, Any] = {}


def init_worker(settings: dict[str, Any], load_plugins: bool, stop: StopSignal | None,
                counters: Counters | None = None) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (it sets `stop`); one SDK per process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_sdk(settings, load_plugins)
    _worker.update(stop=stop, counters=counters)


def _start_sdk(settings: dict[str, Any], load_plugins: bool) -> None:
    from agentic_synth.entrypoints.container import build_container, configure
    from agentic_synth.entrypoints.sdk import AgenticSynth

    container = build_container(load_plugins=load_plugins)
    configure(container, LoadedConfig.from_settings(structure(settings, Settings, origin="batch")))
    _worker.update(synth=AgenticSynth(container=container),
                   settings_key=hashlib.sha256(orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)).hexdigest())
    gc.freeze()  # as the CLI does: what is built once lives for the whole process, spare the collector


def run_in_worker(task: JobTask) -> JobOutcome:
    return run_task(_worker["synth"], task, _worker["stop"], "process", _worker.get("counters"))


class _NeverStop:
    def is_set(self) -> bool:
        return False

    def set(self) -> None:  # pragma: no cover - nothing stops a cluster task from inside
        pass


def run_on_cluster(task: JobTask, settings: dict[str, Any], load_plugins: bool) -> JobOutcome:
    """A task on a Dask worker: the worker's SDK is built on its first task (and again for other settings)."""
    key = hashlib.sha256(orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)).hexdigest()
    if _worker.get("settings_key") != key:
        _start_sdk(settings, load_plugins)
    return run_task(_worker["synth"], task, _NeverStop(), "dask")
