"""`agentic-synth workflow list|run NAME`: the named jobs of a workflow file, for cron, Airflow, Prefect, agents."""

from __future__ import annotations

import click
import orjson

from agentic_synth.domain.generation.results import GenerationResult
from agentic_synth.entrypoints.cli.console import summary
from agentic_synth.entrypoints.sdk import AgenticSynth
from agentic_synth.entrypoints.workflow_file import (
    load_workflows,
    parse_sets,
    plan_workflow,
    run_workflow,
    workflow_file,
)

FILE_HELP = "The workflow file (batch file format; default: $AGENTIC_SYNTH_WORKFLOWS, else ./workflows.yaml)."


@click.group()
def workflow() -> None:
    """Run the named jobs of a workflow file, one at a time, on demand."""


@workflow.command("list")
@click.option("--file", "path", metavar="PATH", help=FILE_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per workflow.")
def list_workflows(path: str | None, as_json: bool) -> None:
    """The workflows of the file: name, kind, count and the file each writes."""
    spec = load_workflows(workflow_file(path))
    for job in spec.jobs:
        if as_json:
            click.echo(orjson.dumps({"name": job.name, "kind": job.kind, "count": job.count,
                                     "file": job.file_name, "options": dict(job.options)}).decode())
        else:
            count = "default" if job.count is None else f"{job.count:,}"
            click.echo(f"{job.name:<24} {job.kind:<12} {count:>10}  -> {job.file_name}")


@workflow.command("run")
@click.argument("name")
@click.option("--file", "path", metavar="PATH", help=FILE_HELP)
@click.option("-o", "--output", "output_dir", default=".", show_default=True, metavar="DIR",
              help="The directory the workflow's file is written into.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a job key (count, seed, format, output, kind, schema) or an option (rate, interval, "
                   "model, options.KEY ...); the value is read as YAML. Repeatable.")
@click.option("--report", metavar="PATH", help="Write the run's metadata as JSON to PATH.")
@click.pass_context
def run(ctx: click.Context, name: str, path: str | None, output_dir: str, sets: tuple[str, ...],
        report: str | None) -> None:
    """Run workflow NAME now (through agentic-robotics when that plugin is enabled); its file appears whole."""
    from agentic_synth.entrypoints.cli.generate import write_report

    console = ctx.obj["console"]
    synth = AgenticSynth(container=ctx.obj["container"])
    planned = plan_workflow(load_workflows(workflow_file(path)), name, parse_sets(sets), output_dir)
    result = run_workflow(synth, planned)
    if isinstance(result, GenerationResult):
        if report is not None:
            write_report(report, result.metadata.to_dict())
        console.info(f"workflow {name}: {summary(result.metadata)}")
    else:  # an external engine's own answer
        console.info(f"workflow {name}: triggered ({type(result).__name__})")
