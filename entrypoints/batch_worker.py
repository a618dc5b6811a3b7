"""One batch job as an SDK `generate` call, in a thread of this process or in a worker process."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any, Protocol

import attrs

from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.serialization import structure, unstructure
from agentic_synth.domain.batch.results import CANCELLED, FAILED, INTERRUPTED, OK, JobOutcome
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import AgenticSynthError, Interrupted, exit_code_for


class StopSignal(Protocol):
    """A threading or multiprocessing Event: set by the parent to stop the jobs."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...


@attrs.frozen
class JobTask:
    """A checked job, ready to run: plain data, so it can be sent to a worker process."""

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


def run_task(synth: Any, task: JobTask, stop: StopSignal, executor: str) -> JobOutcome:
    """Run one job to its file; never raises for the job's own failure (the outcome says why)."""

    def progress(_: int) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # GenerateRecords turns this into Interrupted, discarding a partial file

    base: dict[str, Any] = {"name": task.name, "kind": task.kind, "seed": task.seed, "executor": executor}
    if stop.is_set():
        return JobOutcome(status=CANCELLED, error="not started: the batch was stopped", **base)
    started = time.perf_counter()
    try:
        result = synth.generate(task.kind, output=task.path, format=task.format, progress=progress, **task.args)
    except Interrupted as exc:
        kept = Path(task.path).is_file() and "no output written" not in str(exc)
        return JobOutcome(status=INTERRUPTED, error=str(exc), exit_code=exc.exit_code,
                          file=task.path if kept else None, seconds=time.perf_counter() - started, **base)
    except AgenticSynthError as exc:
        kept = bool(getattr(exc, "keeps_records", False)) and Path(task.path).is_file()
        return JobOutcome(status=FAILED, error=str(exc).replace("\n", " "), exit_code=exit_code_for(exc),
                          file=task.path if kept else None, seconds=time.perf_counter() - started, **base)
    except Exception as exc:  # a bug of ours or a plugin's: this job fails, the others go on
        return JobOutcome(status=FAILED, error=f"internal error: {type(exc).__name__}: {exc}", exit_code=70,
                          seconds=time.perf_counter() - started, **base)
    meta = result.metadata
    return JobOutcome(status=OK, file=task.path, records=meta.records, seconds=time.perf_counter() - started,
                      calls=meta.calls, cost_usd=meta.cost_usd, metadata=meta.to_dict(), **base)


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


def init_worker(settings: dict[str, Any], load_plugins: bool, stop: StopSignal | None) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (it sets `stop`); one SDK per process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from agentic_synth.entrypoints.container import build_container, configure
    from agentic_synth.entrypoints.sdk import AgenticSynth

    container = build_container(load_plugins=load_plugins)
    configure(container, LoadedConfig.from_settings(structure(settings, Settings, origin="batch")))
    _worker.update(synth=AgenticSynth(container=container), stop=stop)


def run_in_worker(task: JobTask) -> JobOutcome:
    return run_task(_worker["synth"], task, _worker["stop"], "process")
