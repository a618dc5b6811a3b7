"""`agentic-synth models list [--json]`: the model catalog with prices, and which models are usable."""

from __future__ import annotations

import click
import orjson

from agentic_synth.domain.ai.catalog import PRICES_AS_OF


def _money(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


@click.group()
def models() -> None:
    """AI models: the catalog the router and the budget use."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@click.pass_context
def list_models(ctx: click.Context, as_json: bool) -> None:
    """List known models with prices (USD per million tokens) and whether their provider has a key."""
    container = ctx.obj["container"]
    catalog = container.catalog()
    usable = container.settings().usable_providers()
    if as_json:
        payload = {"pricesAsOf": PRICES_AS_OF, "pricesUnit": "USD per million tokens",
                   "models": [{"name": m.name, **m.to_payload(), "usable": usable.get(m.provider, False)}
                              for m in catalog],
                   "aliases": dict(catalog.aliases)}
        click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    header = f"{'model':<36} {'provider':<11} {'in $/M':>7} {'out $/M':>8} {'context':>9} {'max out':>8} " \
             f"{'quality':>7} {'latency':>8}  usable"
    click.echo(header)
    for m in catalog:
        latency = "?" if m.latency_ms is None else f"{m.latency_ms:g}ms"
        quality = "?" if m.quality is None else f"{m.quality:.2f}"
        click.echo(f"{m.name:<36} {m.provider:<11} {_money(m.input_per_mtok):>7} {_money(m.output_per_mtok):>8} "
                   f"{_count(m.context_window):>9} {_count(m.max_output_tokens):>8} {quality:>7} {latency:>8}  "
                   f"{'yes' if usable.get(m.provider) else 'no (no key)'}")
    click.echo("")
    click.echo("aliases: " + ", ".join(f"{a} -> {t}" for a, t in sorted(catalog.aliases.items())))
    click.echo(f"prices as of {PRICES_AS_OF}; they change: check the provider and override them in "
               "models.catalog of .agentic-synth.json")
