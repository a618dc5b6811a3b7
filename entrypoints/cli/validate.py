"""`agentic-synth validate`: check a schema, and optionally a data file against it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import DataValidationError
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator, Violation

MAX_SHOWN = 20


def record_checker(schema: Schema) -> Callable[[Any], list[Violation]]:
    """How records are judged: a JSON Schema by the jsonschema library (its declared draft, formats on),
    the compact format by our own validator."""
    if schema.source is None:
        return RecordValidator(schema).check
    from agentic_synth.adapters.jsonschema_checks import JsonSchemaChecks

    checks = JsonSchemaChecks(schema.source)
    return lambda record: [Violation(path, message) for path, message in checks.record_errors(record)]


@click.command()
@click.option("-s", "--schema", "schema", required=True, metavar="FILE|JSON", help="Schema file or inline JSON.")
@click.argument("data_file", required=False)
@click.pass_context
def validate(ctx: click.Context, schema: str, data_file: str | None) -> None:
    """Check a schema; with DATA_FILE (json, jsonl, csv, parquet) report rows that break it."""
    console = ctx.obj["console"]
    parsed = load_schema(schema)
    for line in parsed.notices:
        console.info(f"notice: schema: {line}")
    if data_file is None:
        click.echo(f"schema ok: {len(parsed.fields)} fields ({', '.join(parsed.names)})")
        return
    check = record_checker(parsed)
    rows = bad = violations = 0
    for rows, record in enumerate(read_records(data_file, parsed), 1):
        problems = check(record)
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
