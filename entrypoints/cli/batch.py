"""`agentic-synth batch generate`: many jobs from one batch file, in parallel, into an output directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console as RichConsole
from rich.table import Table

from agentic_synth.domain.batch.results import BatchResult
from agentic_synth.domain.errors import ExitCode, UsageError
from agentic_synth.entrypoints.batch import (
    EXECUTORS,
    BatchInterrupted,
    default_parallel,
    load_batch,
    plan_batch,
)
from agentic_synth.entrypoints.cli.console import Console
from agentic_synth.entrypoints.cli.generate import write_report
from agentic_synth.entrypoints.cli.scale import run_plan
from agentic_synth.entrypoints.sdk import AgenticSynth, new_seed


@click.group()
def batch() -> None:
    """Run many generation jobs described in one batch file."""


@batch.command("generate")
@click.option("-c", "--config", "batch_file", required=True, metavar="FILE",
              help="The batch file (.yaml, .yml or .json) listing the jobs.")
@click.option("-o", "--output", "output_dir", required=True, metavar="DIR",
              help="Directory for the jobs' files (created when missing).")
@click.option("-p", "--parallel", type=click.IntRange(min=1, max=256),
              help="Jobs at once (default: the file's parallel, else one per CPU).")
@click.option("--seed", type=click.IntRange(min=0),
              help="Batch seed (overrides the file's); each job's seed derives from it.")
@click.option("--fail-fast", is_flag=True, help="Stop the other jobs at the first failure.")
@click.option("--report", metavar="PATH", help="Write the batch's results as JSON to PATH.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="auto", show_default=True,
              help="Where engine jobs run: local worker processes (local, or process), threads, a Dask cluster "
                   "(dask), or auto (processes when the work repays starting them).")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --executor dask: a scheduler (tcp://host:8786), or dask:local for a LocalCluster.")
@click.option("--resume", is_flag=True,
              help="Skip jobs and parts that DIR/_manifest.json lists and whose files match its checksums.")
@click.pass_context
def batch_generate(ctx: click.Context, batch_file: str, output_dir: str, parallel: int | None, seed: int | None,
                   fail_fast: bool, report: str | None, executor: str, scheduler: str | None, resume: bool) -> int:
    """Run every job of a batch file; each writes its own file in DIR (a large one, a folder of parts)."""
    console: Console = ctx.obj["console"]
    synth = AgenticSynth(container=ctx.obj["container"])
    if report is not None and not Path(report).parent.is_dir():
        raise UsageError(f"--report: directory '{Path(report).parent}' does not exist")
    if report is not None and Path(report).is_dir():
        raise UsageError(f"--report: '{report}' is a directory")
    spec = load_batch(batch_file)
    parallel = parallel or default_parallel(spec, len(spec.jobs))
    plan = plan_batch(synth, spec, output_dir, seed=seed, new_seed=new_seed, workers=parallel,
                      resume=resume)  # every job checked: nothing written yet
    jobs = len(spec.jobs)
    console.info(f"agentic-synth: batch {spec.source}: {jobs} job{'s' if jobs != 1 else ''}"
                 f"{f' in {len(plan.tasks)} parts' if plan.sharded else ''}, {parallel} at a time, "
                 f"seed {plan.seed}, into {output_dir}")
    try:
        result = run_plan(console, synth, plan, parallel=parallel, executor=executor, fail_fast=fail_fast,
                          scheduler=scheduler, resume=resume)
    except BatchInterrupted as stopped:
        _finish(console, stopped.result, report)
        raise
    _finish(console, result, report)
    return ExitCode.OK if result.ok else ExitCode.FAILURE


def _finish(console: Console, result: BatchResult, report: str | None) -> None:
    """The table, one error line per failed job, the totals, and the JSON report."""
    if report is not None:
        write_report(report, result.to_dict())
    if not console.quiet:
        RichConsole(file=sys.stderr, width=120, highlight=False).print(_table(result))
    for job in result.jobs:
        if job.status == "failed":
            console.error(f"job {job.name}: {job.error}")
    ok = sum(1 for job in result.jobs if job.ok)
    line = (f"batch: {ok} of {len(result.jobs)} jobs ok, {result.records:,} records in {result.seconds:.2f}s, "
            f"seed {result.seed}")
    if result.calls:
        line += f"; {result.calls} calls, ${result.cost_usd:.4f}"
    if result.budget_usd is not None:
        line += f"; budget: ${result.budget_spent_usd or 0.0:.4f} of ${result.budget_usd:.4f} spent"
    console.info(line + (f"; report: {report}" if report else ""))


def _table(result: BatchResult) -> Table:
    table = Table(title=f"batch {result.source}", title_justify="left")
    for name, justify in (("job", "left"), ("status", "left"), ("records", "right"), ("file", "left"),
                          ("seconds", "right"), ("calls", "right"), ("cost", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for job in result.jobs:
        file = os.path.relpath(job.file, result.output_dir) if job.file else "-"
        table.add_row(job.name, job.status, f"{job.records:,}", file, f"{job.seconds:.2f}", str(job.calls),
                      f"${job.cost_usd:.4f}")
    return table
