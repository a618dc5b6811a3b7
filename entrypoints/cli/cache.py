"""`agentic-synth cache stats|clear|path`: look at and empty the response cache."""

from __future__ import annotations

import click
import orjson

from agentic_synth.entrypoints.cache_control import CacheControl


def _control(ctx: click.Context) -> CacheControl:
    return CacheControl(ctx.obj["container"])


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"


@click.group()
def cache() -> None:
    """The response cache of AI model replies (see docs/cache.md)."""


@cache.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Entries, bytes, hits, misses, evictions and expirations."""
    figures = _control(ctx).stats()
    if as_json:
        click.echo(orjson.dumps(figures.to_dict()).decode())
        return
    if figures.backend == "none":
        click.echo("response cache: disabled (cache.enabled is false)")
        return
    bound = f" of {figures.max_entries:,}" if figures.max_entries else ""
    ttl = "never" if figures.default_ttl is None else f"{figures.default_ttl:g}s"
    lines = [f"response cache: {figures.backend}" + (f" at {figures.path}" if figures.path else ""),
             f"entries: {figures.size:,}{bound} ({_size(figures.bytes)}"
             + (f" of {_size(figures.max_bytes)})" if figures.max_bytes else ")"),
             f"lookups: {figures.hits:,} hits, {figures.misses:,} misses (hit rate {figures.hit_rate:.0%})",
             f"writes: {figures.writes:,}; evictions: {figures.evictions:,}; expirations: {figures.expirations:,}",
             f"default ttl: {ttl}"]
    if figures.note:
        lines.append(f"note: {figures.note}")
    click.echo("\n".join(lines))


@cache.command()
@click.pass_context
def clear(ctx: click.Context) -> None:
    """Remove every cached reply (and reset the counters)."""
    control = _control(ctx)
    before = control.stats().size
    control.clear()
    click.echo(f"cleared {before:,} entries")


@cache.command()
@click.pass_context
def path(ctx: click.Context) -> None:
    """Print the directory of the persistent cache."""
    where = _control(ctx).path()
    shown = ctx.obj["console"].shown  # a path set from a secret-holding ${VAR} is not printed in clear
    click.echo(shown(str(where)) if where is not None else "(no persistent cache: it is disabled or kept in memory)")
