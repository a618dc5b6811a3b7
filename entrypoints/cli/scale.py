"""Scale options of `generate` (--shard, and a directory output split into parts run by an executor),
and running a batch plan with its progress board; `batch generate` shares the latter."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agentic_synth.domain.batch.manifest import MANIFEST_NAME
from agentic_synth.domain.batch.results import BatchResult, JobOutcome, merge_parts
from agentic_synth.domain.batch.spec import BatchJob, BatchSpec
from agentic_synth.domain.errors import AgenticSynthError, UsageError
from agentic_synth.entrypoints.batch import EXECUTORS, BatchPlan, plan_batch, run_batch
from agentic_synth.entrypoints.cli.console import Console
from agentic_synth.entrypoints.executors import check_executor
from agentic_synth.entrypoints.sdk import AgenticSynth, new_seed

DIRECTORY_OPTIONS = ("parallel", "executor", "scheduler", "resume", "parts")


class PartFailed(AgenticSynthError):
    """A part of a job split into parts failed (exit 1); the finished parts stay for --resume."""

    def __init__(self, outcome: JobOutcome) -> None:
        super().__init__(f"{outcome.name}: {outcome.error}; the finished parts are kept, --resume redoes the rest")


def scale_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--shard for one file; --parallel, --executor, --scheduler, --resume, --parts for a directory output."""
    for option in reversed((
        click.option("--shard", metavar="I/N",
                     help="Make only shard I of N (from 0) of the job: its index range, the very records a "
                          "whole run makes there (a CSV shard after the first has no header)."),
        click.option("-p", "--parallel", type=click.IntRange(min=1, max=1024),
                     help="With --output DIR/: workers (default: every core; Dask: one per part)."),
        click.option("--executor", type=click.Choice([e for e in EXECUTORS if e != "auto"]),
                     help="With --output DIR/: where the parts run: local worker processes (default), "
                          "threads, or a Dask cluster (dask)."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="With --executor dask: a scheduler (tcp://host:8786), or dask:local for a LocalCluster."),
        click.option("--resume", is_flag=True, default=None,
                     help="With --output DIR/: skip parts that DIR/_manifest.json lists and whose files match."),
        click.option("--parts", type=click.IntRange(min=1, max=100_000),
                     help="With --output DIR/: part files to split the job into (default: about a million "
                          "records each, at least one per worker)."),
    )):
        command = option(command)
    return command


def is_directory(output: str | None) -> bool:
    """`--output DIR/` (a trailing slash): the job goes into part files there."""
    return output not in (None, "-") and str(output).endswith(("/", os.sep))


def check_scale(output: str | None, scale: dict[str, Any]) -> None:
    given = [f"--{k}" for k in DIRECTORY_OPTIONS if scale.get(k) is not None]
    if is_directory(output):
        check_executor(scale.get("executor") or "local", scale.get("scheduler"))
        if scale.get("shard") is not None:
            raise UsageError("--shard makes one file; an --output directory splits the job into parts itself")
        return
    if given:
        raise UsageError(f"{given[0]} applies to an output directory (--output DIR/), which the job is split into")


def run_into_directory(console: Console, synth: AgenticSynth, kind: str, output: str, fmt: str | None,
                       request_args: dict[str, Any], run_args: dict[str, Any], scale: dict[str, Any]) -> BatchResult:
    """One job as a one-job batch split into DIR/NAME/part-*.EXT, with DIR/_manifest.json."""
    args = dict(request_args)
    schema, count, seed = args.pop("schema"), args.pop("count"), args.pop("seed")
    name = Path(schema).stem if isinstance(schema, str) and Path(schema).is_file() else kind
    job = BatchJob(name=name, kind=kind, schema=schema, count=count, seed=seed, format=fmt or "parquet",
                   options={**args, **run_args}, parts=scale.get("parts") or 0)
    spec = BatchSpec(source=f"generate {kind}", jobs=(job,))
    executor = scale.get("executor") or "local"
    workers = scale.get("parallel") or (os.cpu_count() or 1)
    plan = plan_batch(synth, spec, output, seed=None, new_seed=new_seed, workers=workers,
                      resume=bool(scale.get("resume")))
    console.info(f"agentic-synth: {kind} into {len(plan.tasks)} part{'s' if len(plan.tasks) != 1 else ''} "
                 f"under {Path(output) / name}/, {workers} {executor} worker{'s' if workers != 1 else ''}, "
                 f"seed {plan.tasks[0].seed}")
    return run_plan(console, synth, plan, parallel=workers, executor=executor, scheduler=scale.get("scheduler"),
                    resume=bool(scale.get("resume")))


def directory_summary(result: BatchResult) -> str:
    job = result.jobs[0]
    return (f"wrote {job.records:,} {job.kind} records to {job.file}/ ({job.parts} part"
            f"{'s' if job.parts != 1 else ''}, {job.bytes:,} bytes) in {result.seconds:.2f}s, seed {job.seed}; "
            f"manifest {Path(result.output_dir) / MANIFEST_NAME}")


def run_plan(console: Console, synth: AgenticSynth, plan: BatchPlan, **how: Any) -> BatchResult:
    """Run a plan with a progress board (per job and overall) and a line per finished job."""
    from agentic_synth.entrypoints.cli.progress import batch_board  # rich: only when a batch runs

    names = list(dict.fromkeys(t.name for t in plan.tasks))
    sizes: dict[str, list[int | None]] = {name: [] for name in names}
    for task in plan.tasks:
        sizes[task.name].append(len(task.records) if task.records is not None else task.count)
    totals = {name: None if None in got else sum(s or 0 for s in got) for name, got in sizes.items()}
    left = {name: sum(1 for t in plan.tasks if t.name == name) for name in names}
    finished: dict[str, list[JobOutcome]] = {name: [] for name in names}

    def done(outcome: JobOutcome) -> None:
        finished[outcome.name].append(outcome)
        left[outcome.name] -= 1
        if not left[outcome.name]:
            parts = finished[outcome.name]
            console.info(_done_line(parts[0] if len(parts) == 1 and parts[0].parts == 1 else
                                    merge_parts(parts, _folder(plan, outcome.name))))

    with batch_board(console.quiet, [(n, totals[n]) for n in names],
                     [names.index(t.name) for t in plan.tasks]) as board:
        return run_batch(synth, plan, on_done=done, on_progress=board.update if board is not None else None, **how)


def _folder(plan: BatchPlan, name: str) -> str:
    return str(Path(next(t.path for t in plan.tasks if t.name == name)).parent)


def _done_line(outcome: JobOutcome) -> str:
    if outcome.ok:
        into = f"{outcome.file}/ ({outcome.parts} parts, " if outcome.parts > 1 else f"{outcome.file} ("
        return f"  {outcome.name}: {outcome.records:,} records -> {into}{outcome.seconds:.2f}s)"
    return f"  {outcome.name}: {outcome.status}"
