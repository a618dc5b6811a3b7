"""`agentic-synth estimate KIND` and `generate --dry-run`: calls, tokens and cost before spending anything."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import attrs
import click
import orjson

from agentic_synth.application.generate import ENGINE_TIMED_KINDS
from agentic_synth.application.llm import first_call
from agentic_synth.application.work_queue import Call
from agentic_synth.domain.ai.ai_settings import DEFAULT_MAX_OUTPUT_TOKENS, AISettings
from agentic_synth.domain.ai.catalog import ModelInfo
from agentic_synth.domain.ai.cost import (
    DEFAULT_BATCH_SIZE,
    PROMPT_BASE_CHARS,
    RunEstimate,
    estimate_run,
    usd,
    worst_case_cost,
)
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.routing import plan, rank
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.counts import records_of
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.entrypoints.cli.options import routing_options
from agentic_synth.entrypoints.sdk import AgenticSynth

SAMPLE_RECORDS = 20
DEFAULT_COUNT = 10


def _record_chars(synth: AgenticSynth, kind: str, schema: Any, count: int) -> int:
    """Average JSON length of a record, from a few the engine makes (what a model would write)."""
    sample = list(itertools.islice(synth.generate_stream(kind, schema=schema, count=min(count, SAMPLE_RECORDS),
                                                         seed=0), SAMPLE_RECORDS))
    if not sample:
        return 0
    return -(-sum(len(orjson.dumps(r, default=str)) for r in sample) // len(sample))


def _first_call(synth: AgenticSynth, request: GenerationRequest, ai: AISettings, info: ModelInfo) -> Call | None:
    """The first call the llm run would make, as the model `info` (its output limit) would get it."""
    run = attrs.evolve(request, mode="llm", ai=attrs.evolve(ai, model=info.name, provider=info.provider))
    call = first_call(run, synth.container.registry().get(request.kind).chunks)
    return None if call is None else attrs.evolve(call, request=attrs.evolve(call.request, model=info.name,
                                                                           provider=info.provider))


def _sent_chars(request: ModelRequest) -> int:
    """What one call sends: prompt, system text, and the reply's JSON schema (servers count it as input)."""
    schema = orjson.dumps(request.json_schema, default=str) if request.json_schema else b""
    return len(request.prompt) + len(request.system or "") + len(schema)


def estimate(synth: AgenticSynth, request: GenerationRequest, *, schema: Any, mode: str, routing: RunRouting,
             model: str | None = None, provider: str | None = None, batch_size: int | None = None,
             max_output_tokens: int | None = None) -> tuple[RunEstimate, list[str]]:
    """The estimate for a request, and notes (which model, why, whether the budget suffices).

    llm mode prices the run's own first call (its prompt with one anchor line per record, the batch it
    asks for); `batch_size` and `max_output_tokens` None are the run's (the request's AI settings).
    """
    kind = request.kind
    ai = request.ai or AISettings()
    ai = attrs.evolve(ai, batch_size=ai.batch_size if batch_size is None else batch_size,
                      max_output_tokens=ai.max_output_tokens if max_output_tokens is None else max_output_tokens)
    if mode == "llm" and kind in ENGINE_TIMED_KINDS:
        mode = "hybrid"  # the model plans, the engine makes the points (docs/providers.md)
    count = DEFAULT_COUNT if request.count is None else request.count
    schema_chars = len(orjson.dumps(request.schema.to_payload(), default=str))
    notes: list[str] = []
    if mode == "engine":
        info = ModelInfo(name="-", provider="engine")
        return estimate_run(mode=mode, count=count, schema_chars=0, record_chars=0, model=info), \
            ["the engine makes no model calls: offline, $0"]
    stack = synth.container.model_stack(routing=routing, kind=kind, model=model)
    probe = ModelRequest(prompt="x" * (PROMPT_BASE_CHARS + schema_chars), model=model, provider=provider,
                         kind=kind, max_output_tokens=ai.max_output_tokens)
    keys = synth.container.settings().usable_providers()
    providers = {name for name, ok in keys.items() if ok} | stack.text_model.usable_providers
    chain = plan(probe, stack.catalog, stack.policy, providers, require_prices=routing.budget_usd is not None)
    usable = [m for m in chain if m.provider in providers]
    if usable:
        info = usable[0]
    elif model is not None:
        info = chain[0]
        notes.append(f"provider '{info.provider}' has no API key configured")
    else:
        pool = [m for m in stack.catalog if m.priced or routing.budget_usd is None]
        info = rank(pool, probe, stack.policy.strategy, stack.policy.weights)[0]
        notes.append(f"no provider has an API key; estimated for the {stack.policy.strategy} strategy's "
                     f"pick among all catalog models")
    if not info.known:
        notes.append(f"model '{info.name}' is not in the catalog: its cost is unknown")
    first = _first_call(synth, request, ai, info) if mode == "llm" else None
    result = estimate_run(mode=mode, count=count, schema_chars=schema_chars,
                          record_chars=_record_chars(synth, kind, schema, count), model=info,
                          batch_size=first.asked if first is not None else ai.batch_size or DEFAULT_BATCH_SIZE,
                          max_output_tokens=ai.max_output_tokens,
                          call_chars=None if first is None else _sent_chars(first.request),
                          worst_call=None if first is None else worst_case_cost(info, first.request))
    if routing.budget_usd is not None and result.cost_usd is not None:
        budget = Decimal(str(routing.budget_usd))
        if result.worst_call_usd is not None and result.worst_call_usd > budget:
            notes.append(f"budget {usd(budget)} is below the worst case of a single call; no call would start")
        elif result.cost_usd[1] > budget:
            notes.append(f"budget {usd(budget)} may stop the run early (high estimate {usd(result.cost_usd[1])})")
        else:
            notes.append(f"budget {usd(budget)} covers the high estimate")
    return result, notes


def render(result: RunEstimate, notes: list[str], *, kind: str, count: int) -> str:
    calls, tin, tout = result.calls, result.tokens_in, result.tokens_out
    cost = "unknown" if result.cost_usd is None else f"{usd(result.cost_usd[0])} - {usd(result.cost_usd[1])}"
    lines = [f"estimate: {records_of(count, kind)}, mode {result.mode}"
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


def print_estimate(synth: AgenticSynth, request: GenerationRequest, *, as_json: bool, count: int | None,
                   **kwargs: Any) -> None:
    result, notes = estimate(synth, request, **kwargs)
    if as_json:
        click.echo(orjson.dumps({**result.to_dict(), "notes": notes}, option=orjson.OPT_INDENT_2).decode())
    else:
        shown = DEFAULT_COUNT if request.count is None else request.count
        click.echo(render(result, notes, kind=request.kind, count=shown))


def print_dry_run(synth: AgenticSynth, request: GenerationRequest, *, count: int | None, schema: Any,
                  provider: str | None) -> None:
    """`generate --dry-run`: the estimate of the run's own request (its mode, model and routing)."""
    ai = request.ai
    print_estimate(synth, request, as_json=False, count=count, schema=schema, mode=request.mode,
                   routing=ai.routing if ai is not None else RunRouting(), model=ai.model if ai is not None else None,
                   provider=provider)


@click.command("estimate")
@click.argument("kind")
@click.option("-s", "--schema", "schema", metavar="FILE|JSON",
              help="Schema file or inline JSON (timeseries and events have a default, as in generate).")
@click.option("-n", "--count", type=click.IntRange(min=0), help="Number of records (default 10).")
@click.option("--mode", type=click.Choice(["llm", "hybrid", "engine"]), default="llm", show_default=True,
              help="How records would be made.")
@click.option("--model", help="Pin a model (a catalog name or alias, or a provider's own name).")
@click.option("--provider", help="Whose model --model is, when the catalog does not say.")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="Records asked for per call (llm mode; default: as generate sizes it, up to 50).")
@click.option("--max-output-tokens", type=click.IntRange(min=1), default=DEFAULT_MAX_OUTPUT_TOKENS, show_default=True,
              help="Output allowance per call.")
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@routing_options
@click.pass_context
def estimate_command(ctx: click.Context, kind: str, schema: str | None, count: int | None, mode: str, model: str | None,
                     provider: str | None, batch_size: int | None, max_output_tokens: int, as_json: bool,
                     **routing: Any) -> None:
    """Expected calls, tokens and cost of generating KIND, before spending anything."""
    run = RunRouting.from_values(strategy=routing["strategy"], fallback=routing["fallback"],
                                 auto_route=bool(routing["auto_route"]), budget=routing["budget"])
    synth = AgenticSynth(container=ctx.obj["container"])
    request = synth.request(kind, schema=schema, count=count, seed=0)  # its schema and count, checked
    print_estimate(synth, request, as_json=as_json, count=count, schema=schema, mode=mode, routing=run, model=model,
                   provider=provider, batch_size=batch_size, max_output_tokens=max_output_tokens)

