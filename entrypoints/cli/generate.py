"""`agentic-synth generate KIND`: any registered generator, to a file or stdout."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
import orjson

from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.application.generate import ENGINE_TIMED_KINDS
from agentic_synth.domain.errors import AgenticSynthError, UsageError, exit_code_for
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.shards import Shard
from agentic_synth.entrypoints.cli.console import summary
from agentic_synth.entrypoints.cli.dataset import GenerateCommand
from agentic_synth.entrypoints.cli.estimate import print_dry_run
from agentic_synth.entrypoints.cli.options import routing_options
from agentic_synth.entrypoints.cli.reports import check_report_path, write_report
from agentic_synth.entrypoints.cli.scale import (
    DIRECTORY_OPTIONS,
    PartFailed,
    check_scale,
    directory_summary,
    is_directory,
    run_into_directory,
    scale_options,
)
from agentic_synth.entrypoints.sdk import AgenticSynth

ENGINE_NOTICE = "agentic-synth: no AI provider configured; using the built-in engine (offline, no API key needed)"
ENGINE_WITH_KEYS_NOTICE = "agentic-synth: using the built-in engine (keys are set for: {providers})"

INTEGRATION_NOTES = ("streamed ", "vectorized ", "not streamed", "similarity")
# Options that belong to particular generators; each is passed on only when given.
KIND_OPTIONS = ("interval", "start", "duration", "series", "rate", "realtime")


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


def notice(synth: AgenticSynth, request: GenerationRequest, *, explicit: bool) -> str:
    """The one line that says which mode and model a run uses."""
    if request.mode == "engine":
        if explicit:
            return "agentic-synth: mode engine (built-in, offline)"
        keyed = synth.container.settings().providers_with_keys()
        return ENGINE_WITH_KEYS_NOTICE.format(providers=", ".join(keyed)) if keyed else ENGINE_NOTICE
    assert request.ai is not None
    line = f"agentic-synth: mode {request.mode}, model {synth.model_choice(request.ai)}"
    if request.kind in ENGINE_TIMED_KINDS:
        line += "; the model sets the parameters, the engine makes the points"
    elif request.mode == "hybrid":
        line += "; the model writes value pools and parameters, the engine expands them"
        marked = [f.name for f in request.schema.fields if f.llm]
        if marked:
            line += f"; the model writes {', '.join(marked)} row by row (text columns)"
    return line


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file descriptor (tests capture stdout)
        pass


@click.command(cls=GenerateCommand, context_settings={"show_default": True})
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
@click.option("--duration", help="timeseries/events: span to cover (1h, 7d).")
@click.option("--series", type=click.IntRange(min=1), help="timeseries: number of independent series.")
@click.option("--rate", help="events: arrival rate (100/sec, 5/min, 2/hour).")
@click.option("--realtime", is_flag=True, default=None,
              help="timeseries/events: pace output to the wall clock (implies --stream; Ctrl-C stops).")
@click.option("-O", "--option", "extra", multiple=True, metavar="KEY=VALUE",
              help="An option of a plugin generator (repeatable).")
@click.option("--stream", is_flag=True, help="Write records as they are made (jsonl/csv), flushed line by line.")
@click.option("--no-csv-protect", is_flag=True, help="Do not neutralise spreadsheet formulas in CSV text cells.")
@click.option("--report", metavar="PATH", help="Write the run's metadata as JSON to PATH.")
@click.option("--mode", type=click.Choice(["engine", "llm", "hybrid"]),
              help="engine (offline), llm (the model writes records) or hybrid (the model plans, the engine "
                   "expands). Default: engine without a model; llm for records, hybrid for timeseries/events.")
@click.option("--model", help="AI model: gemini-*, vendor/model for OpenRouter, a local server's model, "
                              "or a short name (gemini-pro, gpt-4, claude-3).")
@click.option("--provider", help="Provider that serves --model (a name under providers in the config).")
@click.option("--prompt", help="What the data is about, in words (llm and hybrid modes).")
@click.option("--examples", metavar="FILE", help="Example records (json, jsonl, csv, parquet) for few-shot prompts.")
@click.option("--batch-size", type=click.IntRange(min=1, max=1000),
              help="llm: the most records a call asks for (default: from record size, output limit and yield).")
@click.option("--concurrency", type=click.IntRange(min=1, max=256),
              help="llm/hybrid: model calls in flight (default: the provider's maxConcurrency).")
@click.option("--max-calls", type=click.IntRange(min=1),
              help="llm/hybrid: stop after this many model calls (default: config llm.maxCalls, else none).")
@click.option("--timeout", metavar="DURATION",
              help="llm/hybrid: stop after this long, e.g. 90s, 10m (default: config llm.timeout, else none).")
@routing_options
@click.option("--cache-policy", type=click.Choice(["none", "default", "aggressive"]),
              help="How AI model calls use the response cache (default: config cache.policy, else default).")
@click.option("--dry-run", is_flag=True, help="Show expected model calls, tokens and cost; write and spend nothing.")
@click.option("--stream-to", metavar="NAME[:TARGET]",
              help="Also send records as they are made to: jsonl:PATH (file or named pipe), stdout, "
                   "midstreamer[:PIPELINE], or a plugin (docs/integrations.md).")
@click.option("--reference", metavar="FILE",
              help="With --stream-to midstreamer[:WINDOW]: compare each series, window by window as it is made, "
                   "with this file's (DTW similarity; docs/integrations.md).")
@click.option("--vectorize-with", metavar="NAME[:PATH]",
              help="Also store records with embeddings in: local[:PATH] (SQLite), ruvector[:PATH], or a plugin; "
                   "query with `agentic-synth vectors search`.")
@scale_options
@click.pass_context
def generate(ctx: click.Context, kind: str, schema: str | None, count: int | None, output: str | None,
             fmt: str | None, seed: int | None, locale: str | None, extra: tuple[str, ...], stream: bool,
             no_csv_protect: bool, report: str | None, mode: str | None, model: str | None, provider: str | None,
             prompt: str | None, examples: str | None, batch_size: int | None, cache_policy: str | None,
             concurrency: int | None, max_calls: int | None, timeout: str | None, **kind_options: Any) -> None:
    """Generate records of KIND (structured, timeseries, events, or a plugin's name).

    `generate dataset` makes related tables instead (see `generate dataset --help`).
    """
    console = ctx.obj["console"]
    synth = AgenticSynth(container=ctx.obj["container"])
    dry_run = kind_options.pop("dry_run")
    scale = {k: kind_options.pop(k) for k in ("shard", *DIRECTORY_OPTIONS)}
    check_scale(output, scale)
    tees = {k: v for k in ("stream_to", "vectorize_with", "reference") if (v := kind_options.pop(k)) is not None}
    options = {k: v for k, v in kind_options.items() if v is not None}
    options.update(_parse_pairs(extra))
    check_report_path(report)
    if schema is None:
        raise UsageError("--schema is required (a file path or inline JSON)")
    given = dict(mode=mode, model=model, provider=provider, prompt=prompt, examples=examples, batch_size=batch_size,
                 cache_policy=cache_policy, concurrency=concurrency, max_calls=max_calls, timeout=timeout)
    ai_args: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    request_args: dict[str, Any] = dict(schema=schema, count=count, seed=seed, locale=locale, **ai_args, **options)
    if scale["shard"] is not None:
        request_args["shard"] = Shard.parse(scale["shard"], "--shard")
    # the one request of the run: everything (routing and --budget included) is checked here, once
    request = synth.request(kind, stream_replies=stream, **request_args)
    into_directory = is_directory(output)
    resolve_format(None if output in (None, "-") or into_directory else output, fmt)
    if into_directory and (stream or tees):
        raise UsageError("--stream, --stream-to and --vectorize-with write one stream; an output directory "
                         "holds part files")
    if dry_run:
        print_dry_run(synth, request, count=count, schema=schema, provider=provider)
        return
    models = None if into_directory else synth.model_stack(request)  # the run's one stack; prices checked now
    console.info(notice(synth, request, explicit=mode is not None))
    if into_directory:
        assert output is not None
        parts = run_into_directory(console, synth, kind, output, fmt, request_args,
                                   {"csv_protect": not no_csv_protect}, scale)
        if report is not None:
            write_report(report, parts.to_dict())
        for job in parts.failed:
            raise UsageError(f"{job.name}: {job.error}") if job.exit_code == 2 else PartFailed(job)
        console.info(directory_summary(parts))
        return
    with console.progress(count, f"generating {kind}") as progress:
        try:
            result = synth.run(request, output=output if output is not None else "-", format=fmt,
                               csv_protect=not no_csv_protect, line_buffered=stream, to_pipeline=stream,
                               progress=progress, models=models, **tees)
        except BrokenPipeError:  # the reader of stdout went away (`| head`): stop quietly, exit 0
            _silence_stdout()
            return
        except AgenticSynthError as error:  # a run that stopped short shows its spend too, and writes --report
            meta = error.metadata
            if meta is not None:
                meta.output, meta.format = output, resolve_format(None if output in (None, "-") else output, fmt)
                if report is not None:
                    write_report(report, {**meta.to_dict(), "stopped": {"exit_code": exit_code_for(error),
                                                                         "reason": str(error)}})
                console.info(summary(meta, written=bool(getattr(error, "keeps_records", False)) or stream))
            raise
    meta = result.metadata
    if report is not None:
        write_report(report, meta.to_dict())
    console.info(summary(meta))
    for note in meta.notes:  # what the integrations did (--stream-to, ...); with -v every note (the hybrid plan's)
        if note.startswith(INTEGRATION_NOTES) or console.verbose:
            console.info(f"agentic-synth: {note}")
