"""`agentic-synth validate --schema DATASET TARGET`: a dataset's keys, references, cardinalities, `after` and sums."""

from __future__ import annotations

import click

from agentic_synth.adapters.dataset_file import read_dataset_file
from agentic_synth.adapters.datasets.readers import dataset_rows
from agentic_synth.domain.dataset.integrity import DatasetCheck
from agentic_synth.domain.errors import DataValidationError, UsageError
from agentic_synth.entrypoints.cli.console import Console


def validate_dataset(console: Console, dataset_file: str, target: str | None) -> None:
    dataset = read_dataset_file(dataset_file)
    if target is None:
        counts = ", ".join(f"{t.name} ({len(t.columns)} columns)" for t in dataset.tables)
        click.echo(f"dataset ok: {len(dataset.tables)} tables, parents first: {counts}")
        return
    rows = dataset_rows(target)
    check = DatasetCheck(dataset)
    for table in dataset.tables:
        check.feed(table, rows(table, check.needed(table)))
    problems = check.finish()
    for problem in problems:
        click.echo(problem)
    if check.total:
        if check.total > len(problems):
            click.echo(f"... and {check.total - len(problems)} more")
        raise DataValidationError(f"{target}: {check.total} problems in the dataset")
    if not any(check.rows.values()):
        raise UsageError(f"{target}: every table of the dataset is empty")
    console.info(f"{target}: {sum(check.rows.values()):,} rows in {len(check.rows)} tables; keys, references, "
                 "cardinalities, 'after' and sums hold")
