"""`agentic-synth validate`: check a schema, and optionally a data file against it."""

from __future__ import annotations

import click

from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import DataValidationError, UsageError
from agentic_synth.domain.schema.validation import RecordValidator
from agentic_synth.entrypoints.cli.similarity import report_similarity
from agentic_synth.entrypoints.temporal import ANALYZERS

MAX_SHOWN = 20


@click.command()
@click.option("-s", "--schema", "schema", metavar="FILE|JSON", help="Schema file or inline JSON.")
@click.argument("data_file", required=False)
@click.option("--reference", metavar="FILE", help="Compare DATA_FILE's series with this file's (DTW, LCS, similarity; "
                                                  "midstreamer, or its numpy reference).")
@click.option("--window", type=click.IntRange(min=1), help="--reference: also compare window by window (points).")
@click.option("--series-column", default="series", show_default=True, help="--reference: the column naming a series.")
@click.option("--analyzer", type=click.Choice(ANALYZERS), default="auto", show_default=True,
              help="--reference: midstreamer (Node bridge), numpy, or auto (midstreamer when installed).")
@click.option("--min-similarity", type=click.FloatRange(0, 1), help="--reference: exit 1 if a series is less similar.")
@click.option("--json", "as_json", is_flag=True, help="--reference: print the report as one JSON document.")
@click.pass_context
def validate(ctx: click.Context, schema: str | None, data_file: str | None, reference: str | None,
             window: int | None, series_column: str, analyzer: str, min_similarity: float | None,
             as_json: bool) -> None:
    """Check a schema; with DATA_FILE (json, jsonl, csv, parquet) report rows that break it.

    With a dataset file as --schema, DATA_FILE is the dataset's directory, sqlite:///PATH or
    postgresql://... and the tables' keys, references, cardinalities, 'after' and sums are checked.
    With --reference REF, report how alike DATA_FILE's series are to REF's (per series, per window).
    """
    from agentic_synth.adapters.dataset_file import peek_dataset
    from agentic_synth.entrypoints.cli.dataset_validate import validate_dataset

    console = ctx.obj["console"]
    if reference is not None:
        report_similarity(console, reference, data_file, window=window, analyzer=analyzer,
                          series_column=series_column, as_json=as_json, min_similarity=min_similarity)
        if schema is None:
            return
    if schema is None:
        raise UsageError("--schema is required (a file path or inline JSON), or --reference REF to compare series")
    if peek_dataset(schema):  # a dataset file: DATA_FILE is its directory or database URL
        validate_dataset(console, schema, data_file)
        return
    parsed = load_schema(schema)
    if data_file is None:
        click.echo(f"schema ok: {len(parsed.fields)} fields ({', '.join(parsed.names)})")
        return
    validator = RecordValidator(parsed)
    rows = bad = violations = 0
    for rows, record in enumerate(read_records(data_file, parsed), 1):
        problems = validator.check(record)
        if problems:
            bad += 1
            violations += len(problems)
            for problem in problems:
                if violations - len(problems) < MAX_SHOWN:
                    click.echo(f"row {rows}: {problem}")
    if bad:
        if violations > MAX_SHOWN:
            click.echo(f"... and {violations - MAX_SHOWN} more")
        raise DataValidationError(f"{data_file}: {bad} of {rows} rows break the schema ({violations} violations)")
    console.info(f"{data_file}: all {rows} rows satisfy the schema")
