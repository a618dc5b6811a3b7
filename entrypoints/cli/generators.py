"""`agentic-synth generators list`: the built-in and plugin generators."""

from __future__ import annotations

import click

from agentic_synth.entrypoints.cli.generate import KIND_OPTIONS


@click.group()
def generators() -> None:
    """Generators (kinds of data) available to `generate`."""


@generators.command("list")
@click.pass_context
def list_generators(ctx: click.Context) -> None:
    """List generators with their origin and options."""
    registry = ctx.obj["container"].registry()
    for name in registry.names():
        gen = registry.get(name)
        opts = ", ".join(f"--{o.name}" if o.name in KIND_OPTIONS else f"-O {o.name}=..." for o in gen.options) or "-"
        click.echo(f"{name:<14} {registry.origin(name):<22} options: {opts}  {gen.description}")
