"""`agentic-synth validate`: check a schema, and optionally a data file against it."""

from __future__ import annotations

import click

from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import DataValidationError
from agentic_synth.domain.schema.validation import RecordValidator

MAX_SHOWN = 20


@click.command()
@click.option("-s", "--schema", "schema", required=True, metavar="FILE|JSON", help="Schema file or inline JSON.")
@click.argument("data_file", required=False)
@click.pass_context
def validate(ctx: click.Context, schema: str, data_file: str | None) -> None:
    """Check a schema; with DATA_FILE (json, jsonl, csv, parquet) report rows that break it."""
    console = ctx.obj["console"]
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
