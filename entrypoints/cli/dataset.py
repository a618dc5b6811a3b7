"""`agentic-synth generate dataset`: related tables into a directory of files or a database."""

from __future__ import annotations

from typing import Any

import click

from agentic_synth.adapters.databases.sql import IF_EXISTS
from agentic_synth.adapters.sinks.factory import FORMATS
from agentic_synth.domain.dataset.results import DatasetMetadata
from agentic_synth.entrypoints.cli.reports import check_report_path, write_report
from agentic_synth.entrypoints.sdk import new_seed


def dataset_summary(meta: DatasetMetadata) -> str:
    """`wrote 1,523 rows in 3 tables (users 100, orders 412, order_items 1,011) to DIR (jsonl) in 0.12s, seed 7`."""
    parts = ", ".join(f"{name} {t.rows:,}" for name, t in meta.tables.items())
    where = (meta.output or "memory") + (f" ({meta.format})" if meta.format else "")
    return (f"wrote {meta.rows:,} rows in {len(meta.tables)} tables ({parts}) to {where} in {meta.seconds:.2f}s, "
            f"seed {meta.seed}")


@click.command(context_settings={"show_default": True})
@click.option("-s", "--schema", "--dataset", "dataset", metavar="FILE", required=True,
              help="The dataset file (YAML or JSON): tables, keys, references (docs/datasets.md).")
@click.option("-o", "--output", metavar="DIR|URL", required=True,
              help="A directory (one file per table), sqlite:///PATH or postgresql://USER@HOST:PORT/DB.")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="File format of each table in a directory (default: jsonl).")
@click.option("--seed", type=click.IntRange(min=0), help="Seed (default: the file's seed, else a fresh one).")
@click.option("--locale", help="Locale for names, places and phones: en_US, de_DE, fr_FR, es_ES.")
@click.option("--if-exists", type=click.Choice(list(IF_EXISTS)), default="fail",
              help="When a table (or file) exists: fail, replace it, or append rows (databases).")
@click.option("--no-create", is_flag=True, help="Load into tables that exist (a database); check their columns.")
@click.option("--no-csv-protect", is_flag=True, help="Do not neutralise spreadsheet formulas in CSV text cells.")
@click.option("--report", metavar="PATH", help="Write the run's figures as JSON to PATH.")
@click.pass_context
def generate_dataset(ctx: click.Context, dataset: str, output: str, fmt: str | None, seed: int | None,
                     locale: str | None, if_exists: str, no_create: bool, no_csv_protect: bool,
                     report: str | None) -> None:
    """Generate the related tables of a dataset file, parents before children, keys true by construction."""
    from agentic_synth.entrypoints.datasets import plan_run, run_dataset  # the engine and pyarrow on use

    console = ctx.obj["console"]
    check_report_path(report)
    _, engine = plan_run(dataset, seed=seed, locale=locale, new_seed=new_seed)  # errors before any output
    total = sum(engine.counts().values())
    with console.progress(total, "generating dataset") as progress:
        result = run_dataset(ctx.obj["container"], dataset, output=output, format=fmt, seed=engine.seed,
                             locale=engine.locale, if_exists=if_exists, create=not no_create,
                             csv_protect=not no_csv_protect, new_seed=new_seed, progress=progress)
    if report is not None:
        write_report(report, result.metadata.to_dict())
    console.info(dataset_summary(result.metadata))


class GenerateCommand(click.Command):
    """`generate KIND ...`; `generate dataset ...` runs the dataset command (its own options)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        if args and args[0] == "dataset":
            return generate_dataset.make_context(f"{info_name} dataset", args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)

