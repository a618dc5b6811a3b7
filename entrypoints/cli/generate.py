"""`agentic-synth generate KIND`: any registered generator, to a file or stdout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson

from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.domain.errors import UsageError
from agentic_synth.entrypoints.cli.console import summary
from agentic_synth.entrypoints.sdk import AgenticSynth

ENGINE_NOTICE = "agentic-synth: no AI provider configured; using the built-in engine (offline, no API key needed)"

# Options that belong to particular generators; each is passed on only when given.
KIND_OPTIONS = ("interval", "start", "duration", "series", "rate")


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option: expected KEY=VALUE, got '{pair}'")
        try:
            out[key.replace("-", "_")] = orjson.loads(value)
        except orjson.JSONDecodeError:
            out[key.replace("-", "_")] = value
    return out


def write_report(path: str, report: dict[str, Any]) -> None:
    target = AtomicFile(path)
    target.handle.write(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    target.commit()


@click.command(context_settings={"show_default": True})
@click.argument("kind")
@click.option("-s", "--schema", "schema", metavar="FILE|JSON", help="Schema file, or inline JSON text.")
@click.option("-n", "--count", type=click.IntRange(min=0), help="Number of records (structured default: 10).")
@click.option("-o", "--output", metavar="PATH", help="Output file; '-' or none for JSONL on stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(["json", "jsonl", "csv", "parquet"]),
              help="Output format (default: from the output's extension, else jsonl).")
@click.option("--seed", type=click.IntRange(min=0), help="Seed: same seed, same output, byte for byte.")
@click.option("--locale", help="Locale for names, places and phones: en_US, de_DE, fr_FR, es_ES.")
@click.option("--interval", help="timeseries: time between points (500ms, 1s, 5m, 1h, 1d).")
@click.option("--start", help="timeseries/events: first timestamp (ISO-8601).")
@click.option("--duration", help="timeseries: span to cover (1h, 7d).")
@click.option("--series", type=click.IntRange(min=1), help="timeseries: number of independent series.")
@click.option("--rate", help="events: arrival rate (100/sec, 5/min, 2/hour).")
@click.option("-O", "--option", "extra", multiple=True, metavar="KEY=VALUE",
              help="An option of a plugin generator (repeatable).")
@click.option("--stream", is_flag=True, help="Write records as they are made (jsonl/csv), flushed line by line.")
@click.option("--no-csv-protect", is_flag=True, help="Do not neutralise spreadsheet formulas in CSV text cells.")
@click.option("--report", metavar="PATH", help="Write the run's metadata as JSON to PATH.")
@click.option("--cache-policy", type=click.Choice(["none", "default", "aggressive"]),
              help="How AI model calls use the response cache (default: config cache.policy, else default).")
@click.pass_context
def generate(ctx: click.Context, kind: str, schema: str | None, count: int | None, output: str | None,
             fmt: str | None, seed: int | None, locale: str | None, extra: tuple[str, ...], stream: bool,
             no_csv_protect: bool, report: str | None, cache_policy: str | None, **kind_options: Any) -> None:
    """Generate records of KIND (structured, timeseries, events, or a plugin's name)."""
    console = ctx.obj["console"]
    synth = AgenticSynth(container=ctx.obj["container"])
    options = {k: v for k, v in kind_options.items() if v is not None}
    options.update(_parse_pairs(extra))
    if report is not None and not Path(report).parent.is_dir():
        raise UsageError(f"--report: directory '{Path(report).parent}' does not exist")
    if schema is None:
        raise UsageError("--schema is required (a file path or inline JSON)")
    request_args = dict(schema=schema, count=count, seed=seed, locale=locale, cache_policy=cache_policy, **options)
    synth.request(kind, **request_args)  # validate everything before any output exists
    resolve_format(None if output in (None, "-") else output, fmt)
    console.info(ENGINE_NOTICE)
    with console.progress(count, f"generating {kind}") as progress:
        result = synth.generate(kind, output=output if output is not None else "-", format=fmt,
                                csv_protect=not no_csv_protect, stream=stream, progress=progress,
                                **request_args)
    meta = result.metadata
    if report is not None:
        write_report(report, meta.to_dict())
    console.info(summary(meta))
