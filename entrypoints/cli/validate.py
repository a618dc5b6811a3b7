"""`agentic-synth validate`: check a schema, and optionally a data file against it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import DataValidationError, UsageError
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator, Violation
from agentic_synth.entrypoints.cli.similarity import report_similarity
from agentic_synth.entrypoints.temporal import ANALYZERS

MAX_SHOWN = 20


def record_checker(schema: Schema) -> Callable[[Any], list[Violation]]:
    """How records are judged: a JSON Schema by the jsonschema library (its declared draft, formats on),
    the compact format by our own validator."""
    if schema.source is None:
        return RecordValidator(schema).check
    from agentic_synth.adapters.jsonschema_checks import JsonSchemaChecks

    checks = JsonSchemaChecks(schema.source)
    return lambda record: [Violation(path, message) for path, message in checks.record_errors(record)]


def output_checker(container: Any, kind: str, schema: str | None,
                   series: int | None) -> tuple[Schema, Callable[[Any], list[Violation]]]:
    """The schema of what `generate KIND` writes, and how its records are judged. For timeseries and events: the
    user's fields (by `record_checker`: a JSON Schema's every keyword) and the columns the generator adds (a
    timestamp, the series column of `--series N`, anomaly labels, payload fields)."""
    if series is not None and kind != "timeseries":
        raise UsageError("--series applies to --kind timeseries")
    if kind == "structured":
        assert schema is not None  # the command asks for one first
        parsed = load_schema(schema)
        return parsed, record_checker(parsed)
    from agentic_synth.entrypoints.request_builder import build_request

    options: dict[str, Any] = {"series": series} if series is not None else {}
    user = load_schema(schema, allow_empty=True) if schema is not None else None  # read once, for both uses
    request = build_request(container, kind, schema=user, count=1, seed=0, mode="engine", **options)
    out = Schema(fields=request.schema.fields, description=request.schema.description,
                 notices=user.notices if user is not None else ())
    if user is None or user.source is None:
        return out, RecordValidator(out).check
    added = frozenset(out.names) - frozenset(user.names)
    columns = RecordValidator(Schema(fields=tuple(f for f in out.fields if f.name in added)), allow_extra=True).check
    fields = record_checker(user)
    return out, lambda record: columns(record) + fields(
        {k: v for k, v in record.items() if k not in added} if isinstance(record, dict) else record)


@click.command()
@click.option("-s", "--schema", "schema", metavar="FILE|JSON", help="Schema file or inline JSON.")
@click.argument("data_file", required=False)
@click.option("--kind", type=click.Choice(["structured", "timeseries", "events"]), default="structured",
              show_default=True, help="What DATA_FILE holds: for timeseries and events the columns the generator adds "
                                      "(timestamp, series, anomaly labels, payload fields) are checked too.")
@click.option("--series", type=click.IntRange(min=1), help="--kind timeseries: the --series the data was made with.")
@click.option("--reference", metavar="FILE", help="Compare DATA_FILE's series with this file's (DTW, LCS, similarity; "
                                                  "midstreamer, or its numpy reference).")
@click.option("--window", type=click.IntRange(min=1), help="--reference: also compare window by window (points).")
@click.option("--series-column", default="series", show_default=True, help="--reference: the column naming a series.")
@click.option("--analyzer", type=click.Choice(ANALYZERS), default="auto", show_default=True,
              help="--reference: midstreamer (Node bridge), numpy, or auto (midstreamer when installed).")
@click.option("--min-similarity", type=click.FloatRange(0, 1), help="--reference: exit 1 if a series is less similar.")
@click.option("--json", "as_json", is_flag=True, help="--reference: print the report as one JSON document.")
@click.pass_context
def validate(ctx: click.Context, schema: str | None, data_file: str | None, kind: str, series: int | None,
             reference: str | None, window: int | None, series_column: str, analyzer: str,
             min_similarity: float | None, as_json: bool) -> None:
    """Check a schema; with DATA_FILE (json, jsonl, csv, parquet) report rows that break it.

    With a dataset file as --schema, DATA_FILE is the dataset's directory, sqlite:///PATH or
    postgresql://... and the tables' keys, references, cardinalities, 'after' and sums are checked.
    With --reference REF, report how alike DATA_FILE's series are to REF's (per series, per window).
    With --kind timeseries or events, DATA_FILE is what `generate KIND` wrote from the schema (the
    kind's default schema when none is given).
    """
    from agentic_synth.adapters.dataset_file import peek_dataset
    from agentic_synth.entrypoints.cli.dataset_validate import validate_dataset

    console = ctx.obj["console"]
    if reference is not None:
        report_similarity(console, reference, data_file, window=window, analyzer=analyzer,
                          series_column=series_column, as_json=as_json, min_similarity=min_similarity)
        if schema is None:
            return
    if schema is None and kind == "structured":
        raise UsageError("--schema is required (a file path or inline JSON), or --reference REF to compare series")
    if schema is not None and peek_dataset(schema):  # a dataset file: DATA_FILE is its directory or database URL
        validate_dataset(console, schema, data_file)
        return
    parsed, check = output_checker(ctx.obj["container"], kind, schema, series)
    for line in parsed.notices:
        console.info(f"notice: schema: {line}")
    if data_file is None:
        click.echo(f"schema ok: {len(parsed.fields)} fields ({', '.join(parsed.names)})")
        return
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
