"""Where a batch's tasks run: threads of this process, a local pool of worker processes, or a Dask cluster."""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import TaskExecutor
from agentic_synth.entrypoints.batch_worker import (
    Counters,
    JobTask,
    StopSignal,
    init_worker,
    keyless_settings,
    run_in_worker,
    run_on_cluster,
)

EXECUTORS = ("auto", "local", "process", "thread", "dask")
# With `auto`, engine jobs go to worker processes only when there is enough work to repay starting them;
# see docs/batch.md and benchmarks/bench_batch.py.
PROCESS_MIN_RECORDS = 200_000


def check_executor(executor: str, scheduler: str | None) -> str:
    """The executor's canonical name ('process' is 'local'); a scheduler only goes with dask."""
    if executor not in EXECUTORS:
        raise UsageError(f"--executor: '{executor}' is not one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise UsageError("--scheduler goes with --executor dask")
    return "local" if executor == "process" else executor


def choose_remote(tasks: list[JobTask], parallel: int, executor: str, synth: Any) -> set[int]:
    """The tasks that run outside this process (engine jobs, when that pays off); the rest run in threads."""
    movable = [t for t in tasks if t.movable]
    if executor == "thread" or not movable or synth.container.sink_factory() is not open_sink:  # a caller's own
        return set()
    if executor == "auto":
        work = sum(t.count if t.count is not None else PROCESS_MIN_RECORDS for t in movable)
        if parallel < 2 or len(movable) < 2 or work < PROCESS_MIN_RECORDS:
            return set()
    return {t.index for t in movable}


class Remote:
    """Tasks submitted to a local process pool or to Dask; `counters` (local only) follow their records."""

    def __init__(self, executor: str, workers: int, tasks: int, synth: Any, scheduler: str | None) -> None:
        settings = keyless_settings(synth.container.settings())
        plugins = bool(synth.container.load_plugins())
        self.stop: StopSignal | None = None
        self.counters: Counters | None = None
        self._pool: TaskExecutor
        if executor == "dask":
            from agentic_synth.adapters.executors.dask import LOCAL, DaskTaskExecutor  # Dask only when chosen

            self._pool = DaskTaskExecutor(scheduler or LOCAL, workers)
            self._submit: Callable[[JobTask], Future[Any]] = lambda t: self._pool.submit(
                run_on_cluster, t, settings, plugins)
            self.name = "dask"
            return
        context = _process_context()
        self.stop = context.Event()
        self.counters = context.RawArray("q", tasks)
        self._thawed = gc.isenabled() and not gc.get_freeze_count()
        if self._thawed:  # forked workers share the parent's objects instead of copying the pages gc would touch
            gc.freeze()
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker,
                                         initargs=(settings, plugins, self.stop, self.counters))
        self._submit = lambda t: self._pool.submit(run_in_worker, t)
        self.name = "process"

    def submit(self, task: JobTask) -> Future[Any]:
        return self._submit(task)

    def started(self) -> None:
        """The tasks are submitted (a forking pool has forked): the parent's collector is given back."""
        if getattr(self, "_thawed", False):
            gc.unfreeze()
            self._thawed = False

    def halt(self) -> None:
        if self.stop is not None:
            self.stop.set()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _process_context() -> Any:
    """fork when this process runs no other thread (workers start in milliseconds, modules already
    imported); else forkserver, whose server imports the worker module once."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["agentic_synth.entrypoints.batch_worker"])
    return context
