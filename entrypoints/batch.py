"""Run a batch: check every job before any output exists, then run them in parallel, each an SDK `generate`."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import attrs
from dependency_injector import providers

from agentic_synth.adapters.batch_file import read_batch_file
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.batch.results import CANCELLED, FAILED, INTERRUPTED, BatchResult, JobOutcome
from agentic_synth.domain.batch.spec import BatchSpec
from agentic_synth.domain.errors import AgenticSynthError, Interrupted, UsageError
from agentic_synth.entrypoints.batch_worker import (
    JobTask,
    StopSignal,
    init_worker,
    keyless_settings,
    run_in_worker,
    run_task,
)
from agentic_synth.entrypoints.model_stack import build_model_stack

EXECUTORS = ("auto", "thread", "process")
# With `auto`, engine jobs go to worker processes only when there is enough work to repay starting them
# (a worker imports numpy and pyarrow once: about a second); see docs/batch.md and benchmarks/bench_batch.py.
PROCESS_MIN_RECORDS = 200_000


class BatchInterrupted(Interrupted):
    """Ctrl-C stopped a batch; `result` tells which jobs finished (their files are whole)."""

    def __init__(self, result: BatchResult) -> None:
        done = sum(1 for job in result.jobs if job.ok)
        super().__init__(f"interrupted; {done} of {len(result.jobs)} jobs finished, their files are whole")
        self.result = result


@attrs.frozen
class BatchPlan:
    """A checked batch: the seed used, the output directory and one task per job."""

    spec: BatchSpec
    seed: int
    output_dir: str
    tasks: tuple[JobTask, ...]


def load_batch(config_or_jobs: Any) -> BatchSpec:
    """A BatchSpec from a batch file path (YAML or JSON), a mapping in its shape, a list of jobs, or as is."""
    if isinstance(config_or_jobs, BatchSpec):
        return config_or_jobs
    if isinstance(config_or_jobs, str | os.PathLike):
        return read_batch_file(config_or_jobs)
    if isinstance(config_or_jobs, Mapping | list | tuple):
        return BatchSpec.from_payload(config_or_jobs, source="batch", base_dir=os.getcwd())
    kind = type(config_or_jobs).__name__
    raise UsageError(f"batch: expected a batch file path, a dict or a list of jobs, not {kind}")


def default_parallel(spec: BatchSpec, jobs: int) -> int:
    """The batch file's `parallel`, else one job per CPU (never more than there are jobs)."""
    return spec.parallel or max(1, min(os.cpu_count() or 1, jobs))


def plan_batch(synth: Any, spec: BatchSpec, output_dir: str | os.PathLike[str], *, seed: int | None = None,
               new_seed: Callable[[], int]) -> BatchPlan:
    """Check every job (kind, schema, options, format, model) as `generate` would; nothing is written."""
    batch_seed = seed if seed is not None else spec.seed if spec.seed is not None else new_seed()
    out = Path(output_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--output: '{out}' exists and is not a directory")
    tasks = []
    for i, job in enumerate(spec.jobs):
        job_seed = job.seed_for(batch_seed)
        args: dict[str, Any] = {"schema": job.schema, "count": job.count, "seed": job_seed, **job.options}
        try:
            fmt = resolve_format(job.file_name, job.format)
            request = synth.request(job.kind, **args, **_shared_budget(spec))
        except AgenticSynthError as exc:
            raise UsageError(f"{spec.source}: jobs[{i}] ({job.name}): {exc}") from None
        movable = request.mode == "engine" and synth.container.registry().origin(job.kind) != "code"
        if request.mode == "engine":
            args["mode"] = "engine"  # a worker process has no keys: keep the mode decided here
        else:
            args.update(_shared_budget(spec))
        tasks.append(JobTask(index=i, name=job.name, kind=job.kind, seed=job_seed, path=str(out / job.file_name),
                             format=fmt, args=args, mode=request.mode, count=request.count, movable=movable))
    return BatchPlan(spec=spec, seed=batch_seed, output_dir=str(out), tasks=tuple(tasks))


def _shared_budget(spec: BatchSpec) -> dict[str, Any]:
    return {} if spec.budget_usd is None else {"budget": spec.budget_usd}


def choose_processes(plan: BatchPlan, parallel: int, executor: str, synth: Any) -> set[int]:
    """The tasks that run in worker processes (engine jobs, when processes pay off); the rest run in threads."""
    if executor not in EXECUTORS:
        raise UsageError(f"--executor: '{executor}' is not one of {', '.join(EXECUTORS)}")
    movable = [t for t in plan.tasks if t.movable]
    if executor == "thread" or not movable or synth.container.sink_factory.overridden:
        return set()
    if executor == "auto":
        work = sum(t.count if t.count is not None else PROCESS_MIN_RECORDS for t in movable)
        if parallel < 2 or len(movable) < 2 or work < PROCESS_MIN_RECORDS:
            return set()
    return {t.index for t in movable}


def _thread_job(synth: Any, task: JobTask, stop: threading.Event, fail_fast: bool) -> JobOutcome:
    """One job in a thread; with --fail-fast its failure stops the jobs after it at once (in this worker
    too, before the main thread has even seen the failure)."""
    outcome = run_task(synth, task, stop, "thread")
    if fail_fast and outcome.status == FAILED:
        stop.set()
    return outcome


def run_batch(synth: Any, plan: BatchPlan, *, parallel: int, executor: str = "auto", fail_fast: bool = False,
              on_done: Callable[[JobOutcome], None] | None = None) -> BatchResult:
    """Run the plan's jobs, up to `parallel` at a time; one job's failure does not stop the others
    unless `fail_fast`. Raises BatchInterrupted (whole files only) on Ctrl-C."""
    if parallel < 1:
        raise UsageError(f"--parallel: must be at least 1, got {parallel}")
    in_processes = choose_processes(plan, parallel, executor, synth)
    for task in plan.tasks:
        Path(task.path).parent.mkdir(parents=True, exist_ok=True)
    result = BatchResult(source=plan.spec.source, seed=plan.seed, output_dir=plan.output_dir, parallel=parallel,
                         budget_usd=plan.spec.budget_usd)
    outcomes: dict[int, JobOutcome] = {}
    started = time.perf_counter()
    thread_stop = threading.Event()
    with ExitStack() as stack:
        shared = stack.enter_context(_shared_budget_for(synth, plan.spec.budget_usd))
        context = multiprocessing.get_context("forkserver")
        process_stop: StopSignal | None = context.Event() if in_processes else None
        futures: dict[Future[JobOutcome], JobTask] = {}
        pools: list[Executor] = []
        if in_processes:
            context.set_forkserver_preload(["agentic_synth.entrypoints.batch_worker"])
            settings = keyless_settings(synth.container.settings())
            processes = ProcessPoolExecutor(min(parallel, len(in_processes)), mp_context=context,
                                            initializer=init_worker,
                                            initargs=(settings, bool(synth.container.config.load_plugins()),
                                                      process_stop))
            pools.append(processes)
            futures.update({processes.submit(run_in_worker, t): t for t in plan.tasks if t.index in in_processes})
        threaded = [t for t in plan.tasks if t.index not in in_processes]
        if threaded:
            threads = ThreadPoolExecutor(min(parallel, len(threaded)), thread_name_prefix="agentic-synth-batch")
            pools.append(threads)
            futures.update({threads.submit(_thread_job, synth, t, thread_stop, fail_fast): t for t in threaded})

        stopped: list[str] = []

        def stop(why: str) -> None:
            stopped.append(why)
            thread_stop.set()
            if process_stop is not None:
                process_stop.set()
            for future, task in futures.items():
                if future.cancel():
                    outcomes[task.index] = JobOutcome(name=task.name, kind=task.kind, status=CANCELLED,
                                                      seed=task.seed, error=f"not started: {why}")

        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    outcome = _outcome_of(future, futures[future])
                    if outcome.status == INTERRUPTED and thread_stop.is_set():  # stopped by --fail-fast
                        outcome = attrs.evolve(outcome, status=CANCELLED, error=f"stopped: {stopped[0]}")
                    outcomes[futures[future].index] = outcome
                    if on_done is not None:
                        on_done(outcome)
                    if fail_fast and outcome.status == FAILED:
                        stop(f"job '{outcome.name}' failed (--fail-fast)")
        except KeyboardInterrupt:
            stop("interrupted")
            for future in futures:
                if not future.cancelled():
                    outcomes[futures[future].index] = _outcome_of(future, futures[future], wait_for_it=True)
            result.interrupted = True
        finally:
            for pool in pools:
                pool.shutdown(wait=True, cancel_futures=True)
    result.jobs = [outcomes[t.index] for t in plan.tasks]
    result.budget_spent_usd = None if shared is None else float(shared.spent)
    result.seconds = time.perf_counter() - started
    if result.interrupted:
        raise BatchInterrupted(result)
    return result


def _outcome_of(future: Future[JobOutcome], task: JobTask, *, wait_for_it: bool = False) -> JobOutcome:
    try:
        while wait_for_it:  # a second Ctrl-C must not leave a worker writing behind our back
            try:
                return future.result()
            except KeyboardInterrupt:
                continue
        return future.result()
    except Exception as exc:  # the worker process died (killed, out of memory): this job fails alone
        return JobOutcome(name=task.name, kind=task.kind, status=FAILED, seed=task.seed, exit_code=70,
                          error=f"worker failed: {type(exc).__name__}: {exc}")


@contextmanager
def _shared_budget_for(synth: Any, budget_usd: float | None) -> Iterator[Budget | None]:
    """Every model run of the batch draws on one Budget (thread-safe; model jobs run in this process)."""
    if budget_usd is None:
        yield None
        return
    container = synth.container
    shared = Budget(budget_usd)
    with container.model_stack.override(providers.Factory(
            build_model_stack, config=container.config, providers=container.provider_models, clock=container.clock,
            shared_budget=shared)):
        yield shared
