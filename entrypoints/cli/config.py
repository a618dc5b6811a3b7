"""`agentic-synth config show [--sources] [--json]`: the effective configuration, keys masked."""

from __future__ import annotations

import json
from typing import Any

import click

from agentic_synth.adapters.config_file import DEFAULT_SOURCE, LoadedConfig, flatten
from agentic_synth.adapters.serialization import masked, unstructure
from agentic_synth.domain.config.secrets import Secret


def effective(loaded: LoadedConfig) -> dict[str, Any]:
    """The resolved settings as camelCase data, with every key masked."""
    data: dict[str, Any] = masked(unstructure(loaded.settings.resolved()))
    return data


@click.group("config")
def config_group() -> None:
    """Inspect the configuration (.agentic-synth.json, environment, .env)."""


@config_group.command("show")
@click.option("--sources", is_flag=True, help="Say where each value came from (default, file, env, flag).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with --sources: {config, sources}).")
@click.pass_context
def show(ctx: click.Context, sources: bool, as_json: bool) -> None:
    """Print the effective configuration; API keys show as `set (…abcd)` or `not set`."""
    loaded: LoadedConfig = ctx.obj["container"].loaded_config()
    data = effective(loaded)
    raw = flatten(unstructure(loaded.settings.resolved()))
    flat = flatten(data)
    where = {key: loaded.source_of(key) for key in flat}
    console = ctx.obj["console"]  # every value is shown with known keys and key-shaped text masked
    if as_json:
        payload = {"config": data, "sources": where} if sources else data
        # ASCII JSON: control characters and bidi overrides travel as \u escapes, never raw
        click.echo(console.shown(json.dumps(payload, indent=2, ensure_ascii=True, default=str)))
        return
    header = f"# config file: {loaded.path or 'none (built-in defaults)'}"
    if loaded.env_file is not None:
        header += f"; .env: {loaded.env_file}"
    click.echo(console.shown(header))
    width = max(len(key) for key in flat)
    for key, value in flat.items():
        shown = raw[key].masked() if isinstance(raw.get(key), Secret) else json.dumps(value)
        line = f"{key:<{width}} = {shown}"
        if sources:
            line = f"{line:<{width + 40}}  # {where[key] or DEFAULT_SOURCE}"
        click.echo(console.shown(line.rstrip()))
