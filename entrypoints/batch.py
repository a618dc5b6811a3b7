"""Run a batch: check every job before any output exists, split large jobs into parts, run the tasks
(in threads, a local process pool or on Dask), keep DIR/_manifest.json, and resume from it."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import attrs

from agentic_synth.adapters.batch_file import read_batch_file
from agentic_synth.adapters.sinks.atomic import check_name
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.batch.results import CANCELLED, FAILED, INTERRUPTED, BatchResult, JobOutcome, merge_parts
from agentic_synth.domain.batch.spec import BatchJob, BatchSpec
from agentic_synth.domain.errors import AgenticSynthError, ExitCode, Interrupted, UsageError
from agentic_synth.domain.generation.generators import UnknownOption, total_records
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest
from agentic_synth.domain.generation.shards import parts_for, split
from agentic_synth.entrypoints.batch_manifest import ManifestBook, resume_seed
from agentic_synth.entrypoints.batch_worker import JobTask, PreparedRun, run_task
from agentic_synth.entrypoints.executors import EXECUTORS, Remote, check_executor, choose_remote

RUN_ONLY = frozenset({"csv_protect", "csv_header"})  # options of the run (its sink), not of its request

__all__ = ["EXECUTORS", "BatchInterrupted", "BatchPlan", "default_parallel", "load_batch", "plan_batch", "run_batch"]
SHARD_MIN_RECORDS = 1_000_000  # an engine job this large is split into part files (one folder of parts)
_POLL_SECONDS = 0.2


class BatchInterrupted(Interrupted):
    """Ctrl-C stopped a batch; `result` tells which jobs finished (their files are whole)."""

    def __init__(self, result: BatchResult) -> None:
        done = sum(1 for job in result.jobs if job.ok)
        super().__init__(f"interrupted; {done} of {len(result.jobs)} jobs finished, their files are whole")
        self.result = result


@attrs.frozen
class BatchPlan:
    """A checked batch: the seed used, the output directory and its tasks (one per job, or per part).

    `budget` is the batch's one Budget, which every model job draws on; `prepared` holds, for each
    task that is a whole job, the request and model stack its check built, for a run in this process.
    """

    spec: BatchSpec
    seed: int
    output_dir: str
    tasks: tuple[JobTask, ...]
    budget: Budget | None = None
    prepared: Mapping[int, PreparedRun] = attrs.field(factory=dict)

    @property
    def sharded(self) -> bool:
        return any(t.part is not None for t in self.tasks)


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
               new_seed: Callable[[], int], workers: int | None = None, resume: bool = False) -> BatchPlan:
    """Check every job (kind, schema, options, format, model) as `generate` would; nothing is written.

    An engine job of at least SHARD_MIN_RECORDS records (or with `parts`) becomes one task per part file.
    Resuming without a seed reuses the batch seed of the run the manifest records.
    """
    if seed is None and spec.seed is None and resume:
        seed = resume_seed(output_dir)
    batch_seed = seed if seed is not None else spec.seed if spec.seed is not None else new_seed()
    out = Path(output_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--output: '{out}' exists and is not a directory")
    shared = Budget(spec.budget_usd) if spec.budget_usd is not None else None
    tasks: list[JobTask] = []
    prepared: dict[int, PreparedRun] = {}
    for i, job in enumerate(spec.jobs):
        job_seed = job.seed_for(batch_seed)
        args: dict[str, Any] = {"schema": job.schema, "count": job.count, "seed": job_seed, **job.options}
        try:
            fmt = resolve_format(job.file_name, job.format)
            asked = {k: v for k, v in args.items() if k not in RUN_ONLY}  # csv_protect is the sink's, not the request's
            request = synth.request(job.kind, **asked, **_shared_budget(spec))
            models = synth.model_stack(request, shared_budget=shared)  # prices under the budget, a usable model
            parts = _parts(synth, job, request, fmt, workers or default_parallel(spec, len(spec.jobs)))
        except AgenticSynthError as exc:
            if isinstance(exc, UnknownOption):  # named as the batch file writes it: options.interval
                exc = exc.spelled(lambda name: f"options.{name}")
            raise UsageError(f"{spec.source}: jobs[{i}] ({job.name}): {exc}") from None
        movable = request.mode == "engine" and synth.container.registry().origin(job.kind) != "code"
        if request.mode == "engine":
            args["mode"] = "engine"  # a worker process has no keys: keep the mode decided here
        else:
            args.update(_shared_budget(spec))
        base = dict(name=job.name, kind=job.kind, seed=job_seed, format=fmt, args=args, mode=request.mode,
                    count=request.count, movable=movable, fingerprint=_fingerprint(request, fmt, len(parts)))
        if len(parts) == 1 and job.parts is None:
            prepared[len(tasks)] = (request, models)
            tasks.append(JobTask(index=len(tasks), path=str(out / job.file_name), **base))
            continue
        folder = out / Path(job.file_name).with_suffix("")
        for k, span in enumerate(parts):
            tasks.append(JobTask(index=len(tasks), path=str(folder / f"part-{k:05d}.{fmt}"), part=k,
                                 parts=len(parts), records=span, **base))
    _check_layout(spec, tasks, out)
    return BatchPlan(spec=spec, seed=batch_seed, output_dir=str(out), tasks=tuple(tasks), budget=shared,
                     prepared=prepared)


def _check_layout(spec: BatchSpec, tasks: list[JobTask], out: Path) -> None:
    """Every file lands inside the output directory, none where another job needs a directory, and no
    existing symbolic link on the way leads out of it (it would be followed)."""
    files = {str(Path(t.path).relative_to(out)).lower(): t for t in tasks}
    for name, task in files.items():
        for parent in Path(name).parents:
            other = files.get(str(parent))
            if other is not None and str(parent) != ".":
                raise UsageError(f"{spec.source}: job '{task.name}' writes inside '{parent}', which is the file of "
                                 f"job '{other.name}'")
    root = out.resolve()
    for task in tasks:
        try:
            check_name(Path(task.path))  # a NUL, or a name longer than any file system takes
        except UsageError as exc:
            raise UsageError(f"{spec.source}: job '{task.name}': {exc}") from None
        here = out
        for part in Path(task.path).relative_to(out).parts[:-1]:
            here = here / part
            if here.is_symlink() and not here.resolve().is_relative_to(root):
                raise UsageError(f"{spec.source}: job '{task.name}': '{here}' is a link to '{here.resolve()}', "
                                 f"outside the output directory")


def _parts(synth: Any, job: BatchJob, request: GenerationRequest, fmt: str, workers: int) -> list[Any]:
    """The record ranges of a job's part files ([None]: the job is one file). `parts` 0: one per worker at least."""
    if request.mode != "engine":
        if job.parts not in (None, 1):
            raise UsageError(f"parts: a job of mode {request.mode} calls a model; it is made whole, in one file")
        return [None]
    total = total_records(synth.container.registry().get(job.kind), request)
    if job.parts is None and (total is None or total < SHARD_MIN_RECORDS):
        return [None]
    if total is None:
        raise UsageError("parts: a job split into parts needs an end (--count or --duration)")
    wanted = job.parts if job.parts else parts_for(total, workers, CHUNK_SIZE)
    ranges = split(total, wanted, CHUNK_SIZE)
    if len(ranges) > 1 and fmt == "json":
        raise UsageError("a job split into parts writes jsonl, csv or parquet (a json array cannot be split)")
    return ranges


def _fingerprint(request: GenerationRequest, fmt: str, parts: int) -> str:
    """What makes a job's bytes: a resumed run must have the same, or its old parts are not reused."""
    key = repr((request.kind, request.schema, request.count, request.seed, sorted(request.options.items()),
                request.locale, request.mode, fmt, parts))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _shared_budget(spec: BatchSpec) -> dict[str, Any]:
    return {} if spec.budget_usd is None else {"budget": spec.budget_usd}


def _thread_job(synth: Any, task: JobTask, stop: threading.Event, fail_fast: bool, counters: list[int],
                prepared: PreparedRun | None) -> JobOutcome:
    """One job in a thread; with --fail-fast its failure stops the jobs after it at once (in this worker
    too, before the main thread has even seen the failure)."""
    outcome = run_task(synth, task, stop, "thread", counters, prepared)
    if fail_fast and outcome.status == FAILED:
        stop.set()
    return outcome


def run_batch(synth: Any, plan: BatchPlan, *, parallel: int, executor: str = "auto", fail_fast: bool = False,
              on_done: Callable[[JobOutcome], None] | None = None, scheduler: str | None = None,
              resume: bool = False, on_progress: Callable[[list[int]], None] | None = None) -> BatchResult:
    """Run the plan's tasks, up to `parallel` at a time; one job's failure does not stop the others
    unless `fail_fast`. Raises BatchInterrupted (whole files only) on Ctrl-C.

    `on_progress` gets the records made so far by each task (by task index), a few times a second.
    """
    if parallel < 1:
        raise UsageError(f"--parallel: must be at least 1, got {parallel}")
    executor = check_executor(executor, scheduler)
    book = ManifestBook(plan.output_dir, plan.tasks, resume=resume, seed=plan.seed) if plan.sharded or resume \
        else None
    outcomes: dict[int, JobOutcome] = {}
    todo = []
    for task in plan.tasks:
        done = book.resumed(task) if book is not None else None
        if done is not None:
            outcomes[task.index] = done
        else:
            todo.append(task)
            Path(task.path).parent.mkdir(parents=True, exist_ok=True)
    remote_tasks = choose_remote(todo, parallel, executor, synth)
    result = BatchResult(source=plan.spec.source, seed=plan.seed, output_dir=plan.output_dir, parallel=parallel,
                         budget_usd=plan.spec.budget_usd)
    started = time.perf_counter()
    thread_stop = threading.Event()
    made = [0] * len(plan.tasks)
    shared = plan.budget  # drawn on by every model job (thread-safe; model jobs run in this process)
    with ExitStack() as stack:
        futures: dict[Future[JobOutcome], JobTask] = {}
        remote: Remote | None = None
        stopped: list[str] = []

        def stop(why: str) -> None:
            stopped.append(why)
            thread_stop.set()
            if remote is not None:
                remote.halt()
            for future, task in futures.items():
                if future.cancel():
                    outcomes[task.index] = JobOutcome(name=task.name, kind=task.kind, status=CANCELLED,
                                                      seed=task.seed, error=f"not started: {why}")

        def report_progress() -> None:
            if on_progress is None:
                return
            counts = list(made)
            if remote is not None and remote.counters is not None:
                for index in remote_tasks:
                    counts[index] = remote.counters[index]
            for index, outcome in outcomes.items():
                counts[index] = outcome.records
            on_progress(counts)

        try:  # from the first job's start: an interrupt while jobs are still being handed out stops them too
            if book is not None:
                book.save()
            if remote_tasks:  # first, before any thread of ours exists: a local pool may then fork
                remote = Remote(executor if executor != "auto" else "local", min(parallel, len(remote_tasks)),
                                len(plan.tasks), synth, scheduler)
                stack.callback(remote.shutdown)
                futures.update({remote.submit(t): t for t in todo if t.index in remote_tasks})
                remote.started()
            threaded = [t for t in todo if t.index not in remote_tasks]
            if threaded:
                threads = ThreadPoolExecutor(min(parallel, len(threaded)), thread_name_prefix="agentic-synth-batch")
                stack.callback(threads.shutdown, wait=True, cancel_futures=True)
                for t in threaded:
                    futures[threads.submit(_thread_job, synth, t, thread_stop, fail_fast, made,
                                           plan.prepared.get(t.index))] = t
            pending = set(futures)
            report_progress()
            while pending:
                finished, pending = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in finished:
                    if future.cancelled():
                        continue
                    task = futures[future]
                    outcome = _outcome_of(future, task)
                    if outcome.status == INTERRUPTED and thread_stop.is_set():  # stopped by --fail-fast
                        outcome = attrs.evolve(outcome, status=CANCELLED, error=f"stopped: {stopped[0]}")
                    outcomes[task.index] = outcome
                    if book is not None:
                        book.record(task, outcome)
                    if on_done is not None:
                        on_done(outcome)
                    if fail_fast and outcome.status == FAILED:
                        stop(f"job '{outcome.name}' failed (--fail-fast)")
                report_progress()
        except KeyboardInterrupt:
            stop("interrupted")
            for future in futures:
                if not future.cancelled():
                    outcomes[futures[future].index] = _outcome_of(future, futures[future], wait_for_it=True)
            for task in todo:  # not yet handed out when the interrupt came
                outcomes.setdefault(task.index, JobOutcome(name=task.name, kind=task.kind, status=CANCELLED,
                                                           seed=task.seed, error="not started: interrupted"))
            result.interrupted = True
    result.jobs = _per_job(plan, outcomes)
    result.budget_spent_usd = None if shared is None else float(shared.spent)
    result.seconds = time.perf_counter() - started
    if result.interrupted:
        raise BatchInterrupted(result)
    return result


def _per_job(plan: BatchPlan, outcomes: dict[int, JobOutcome]) -> list[JobOutcome]:
    """One outcome per job, in the batch file's order; a sharded job's parts merged into one."""
    jobs: dict[str, list[JobTask]] = {}
    for task in plan.tasks:
        jobs.setdefault(task.name, []).append(task)
    out = []
    for tasks in jobs.values():
        if tasks[0].part is None:
            out.append(outcomes[tasks[0].index])
        else:
            out.append(merge_parts([outcomes[t.index] for t in tasks], str(Path(tasks[0].path).parent)))
    return out


def _outcome_of(future: Future[JobOutcome], task: JobTask, *, wait_for_it: bool = False) -> JobOutcome:
    try:
        while wait_for_it:  # a second Ctrl-C must not leave a worker writing behind our back
            try:
                return future.result()
            except KeyboardInterrupt:
                continue
        return future.result()
    except Exception as exc:  # the worker process died (killed, out of memory): this job fails alone
        return JobOutcome(name=task.name, kind=task.kind, status=FAILED, seed=task.seed, exit_code=ExitCode.INTERNAL,
                          error=f"worker failed: {type(exc).__name__}: {exc}")
