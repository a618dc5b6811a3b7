"""Choose and open a sink for an output path and format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentic_synth.adapters.sinks.atomic import file_target
from agentic_synth.adapters.sinks.json_array import JsonArrayRecordSink
from agentic_synth.adapters.sinks.jsonl import JsonlRecordSink
from agentic_synth.adapters.sinks.money import money_columns
from agentic_synth.adapters.sinks.stdout import StdoutTarget
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import RecordSink
from agentic_synth.domain.schema.schema import Schema

FORMATS = ("json", "jsonl", "csv", "parquet")
_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet",
               ".pq": "parquet"}


def resolve_format(output: str | None, fmt: str | None) -> str:
    """The format from --format and the output's extension; a clash is a usage error."""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    inferred = None
    if output not in (None, "-"):
        inferred = _EXTENSIONS.get(Path(str(output)).suffix.lower())
    if fmt and inferred and fmt != inferred:
        raise UsageError(f"--format {fmt} does not match the output file's extension "
                         f"'{Path(str(output)).suffix}' ({inferred})")
    return fmt or inferred or "jsonl"


def open_sink(output: str | None, fmt: str, schema: Schema, *, stream: bool = False,
              csv_protect: bool = True, stdout: Any = None, csv_header: bool = True) -> RecordSink:
    """A sink writing `fmt` to `output` (a path, or None/'-' for stdout); CSV without its header row
    when `csv_header` is false (a shard after the first)."""
    to_stdout = output in (None, "-")
    if to_stdout and fmt == "parquet":
        raise UsageError("parquet output needs a file: give --output PATH")
    target: Any
    if to_stdout:
        target = StdoutTarget(stdout)
    else:
        if stream and fmt not in ("jsonl", "csv"):
            raise UsageError(f"--stream writes line by line: use jsonl or csv, not {fmt}")
        target = file_target(str(output), stream=stream)  # devices and FIFOs are written through
    try:
        if fmt == "jsonl":
            return JsonlRecordSink(target, flush=stream, money=money_columns(schema))
        if fmt == "json":
            return JsonArrayRecordSink(target, money=money_columns(schema))
        if fmt == "csv":
            from agentic_synth.adapters.sinks.csv import CsvRecordSink  # pyarrow only when asked for

            return CsvRecordSink(target, schema, protect=csv_protect, flush=stream, header=csv_header)
        from agentic_synth.adapters.sinks.parquet import ParquetRecordSink  # pyarrow only when asked for

        return ParquetRecordSink(target, schema)
    except BaseException:
        target.discard()
        raise
