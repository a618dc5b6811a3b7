"""`agentic-synth estimate KIND` and `generate --dry-run`: calls, tokens and cost before spending anything."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import click
import orjson

from agentic_synth.domain.ai.catalog import ModelInfo
from agentic_synth.domain.ai.cost import DEFAULT_BATCH_SIZE, PROMPT_BASE_CHARS, RunEstimate, estimate_run, usd
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import plan, rank
from agentic_synth.entrypoints.model_stack import RunRouting, usable_providers
from agentic_synth.entrypoints.sdk import AgenticSynth

SAMPLE_RECORDS = 20
DEFAULT_COUNT = 10


def routing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The routing and budget flags shared by `generate` and `estimate`."""
    for option in reversed((
        click.option("--auto-route", is_flag=True, default=None,
                     help="Let the strategy choose among all usable models (over per-kind defaults)."),
        click.option("--strategy", metavar="NAME", help="Routing strategy: cost, performance, quality, hybrid."),
        click.option("--fallback", metavar="A,B,C", help="Models to hand over to, in order, when one fails."),
        click.option("--budget", metavar="USD", help="Hard cap on model spending, in USD (e.g. 0.10)."),
    )):
        command = option(command)
    return command


def pop_routing(params: dict[str, Any]) -> RunRouting:
    """Take the routing flags out of a command's parameters, validated."""
    return RunRouting.from_values(strategy=params.pop("strategy", None), fallback=params.pop("fallback", None),
                                  auto_route=bool(params.pop("auto_route", None)), budget=params.pop("budget", None))


def _record_chars(synth: AgenticSynth, kind: str, schema: Any, count: int) -> int:
    """Average JSON length of a record, from a few the engine makes (what a model would write)."""
    sample = list(itertools.islice(synth.generate_stream(kind, schema=schema, count=min(count, SAMPLE_RECORDS),
                                                         seed=0), SAMPLE_RECORDS))
    if not sample:
        return 0
    return -(-sum(len(orjson.dumps(r, default=str)) for r in sample) // len(sample))


def estimate(synth: AgenticSynth, *, kind: str, schema: Any, count: int | None, mode: str, run: RunRouting,
             model: str | None = None, provider: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
             max_output_tokens: int = 4096) -> tuple[RunEstimate, list[str]]:
    """The estimate for a command, and notes (which model, why, whether the budget suffices)."""
    request = synth.request(kind, schema=schema, count=count, seed=0)
    count = DEFAULT_COUNT if request.count is None else request.count
    schema_chars = len(orjson.dumps(request.schema.to_payload(), default=str))
    notes: list[str] = []
    if mode == "engine":
        info = ModelInfo(name="-", provider="engine")
        return estimate_run(mode=mode, count=count, schema_chars=0, record_chars=0, model=info), \
            ["the engine makes no model calls: offline, $0"]
    stack = synth.container.model_stack(run=run, kind=kind, model=model)
    probe = ModelRequest(prompt="x" * (PROMPT_BASE_CHARS + schema_chars), model=model, provider=provider,
                         kind=kind, max_output_tokens=max_output_tokens)
    keys = usable_providers(synth.container.config() or {})
    providers = {name for name, ok in keys.items() if ok} | stack.text_model.usable_providers
    chain = plan(probe, stack.catalog, stack.policy, providers, require_prices=run.budget_usd is not None)
    usable = [m for m in chain if m.provider in providers]
    if usable:
        info = usable[0]
    elif model is not None:
        info = chain[0]
        notes.append(f"provider '{info.provider}' has no API key configured")
    else:
        pool = [m for m in stack.catalog if m.priced or run.budget_usd is None]
        info = rank(pool, probe, stack.policy.strategy, stack.policy.weights)[0]
        notes.append(f"no provider has an API key; estimated for the {stack.policy.strategy} strategy's "
                     f"pick among all catalog models")
    if not info.known:
        notes.append(f"model '{info.name}' is not in the catalog: its cost is unknown")
    result = estimate_run(mode=mode, count=count, schema_chars=schema_chars,
                          record_chars=_record_chars(synth, kind, schema, count), model=info,
                          batch_size=batch_size, max_output_tokens=max_output_tokens)
    if run.budget_usd is not None and result.cost_usd is not None:
        budget = Decimal(str(run.budget_usd))
        if result.worst_call_usd is not None and result.worst_call_usd > budget:
            notes.append(f"budget {usd(budget)} is below the worst case of a single call; no call would start")
        elif result.cost_usd[1] > budget:
            notes.append(f"budget {usd(budget)} may stop the run early (high estimate {usd(result.cost_usd[1])})")
        else:
            notes.append(f"budget {usd(budget)} covers the high estimate")
    return result, notes


def render(result: RunEstimate, notes: list[str], *, kind: str, count: int | None) -> str:
    calls, tin, tout = result.calls, result.tokens_in, result.tokens_out
    cost = "unknown" if result.cost_usd is None else f"{usd(result.cost_usd[0])} - {usd(result.cost_usd[1])}"
    lines = [f"estimate: {count if count is not None else DEFAULT_COUNT:,} {kind} records, mode {result.mode}"
             + ("" if result.mode == "engine" else f", model {result.model}"),
             f"  calls       {calls[0]:,} - {calls[1]:,}"
             + (f" (batches of {result.batch_size})" if result.batch_size else ""),
             f"  tokens in   {tin[0]:,} - {tin[1]:,}",
             f"  tokens out  {tout[0]:,} - {tout[1]:,}",
             f"  cost        {cost}"]
    if result.mode != "engine":
        lines.append(f"  worst call  {usd(result.worst_call_usd)} (a budget reserves this before each call)")
    lines += [f"  note: {note}" for note in notes]
    lines.append("nothing was generated and nothing was spent")
    return "\n".join(lines)


def print_estimate(synth: AgenticSynth, *, as_json: bool, kind: str, count: int | None, **kwargs: Any) -> None:
    result, notes = estimate(synth, kind=kind, count=count, **kwargs)
    if as_json:
        click.echo(orjson.dumps({**result.to_dict(), "notes": notes}, option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(render(result, notes, kind=kind, count=count))


@click.command("estimate")
@click.argument("kind")
@click.option("-s", "--schema", "schema", required=True, metavar="FILE|JSON", help="Schema file or inline JSON.")
@click.option("-n", "--count", type=click.IntRange(min=0), help="Number of records (default 10).")
@click.option("--mode", type=click.Choice(["llm", "hybrid", "engine"]), default="llm", show_default=True,
              help="How records would be made.")
@click.option("--model", help="Pin a model (a catalog name or alias, or a provider's own name).")
@click.option("--provider", help="Whose model --model is, when the catalog does not say.")
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Records asked for per call (llm mode).")
@click.option("--max-output-tokens", type=click.IntRange(min=1), default=4096, show_default=True,
              help="Output allowance per call.")
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@routing_options
@click.pass_context
def estimate_command(ctx: click.Context, kind: str, schema: str, count: int | None, mode: str, model: str | None,
                     provider: str | None, batch_size: int, max_output_tokens: int, as_json: bool,
                     **routing: Any) -> None:
    """Expected calls, tokens and cost of generating KIND, before spending anything."""
    run = pop_routing(routing)
    synth = AgenticSynth(container=ctx.obj["container"])
    print_estimate(synth, as_json=as_json, kind=kind, schema=schema, count=count, mode=mode, run=run, model=model,
                   provider=provider, batch_size=batch_size, max_output_tokens=max_output_tokens)

