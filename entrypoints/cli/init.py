"""`agentic-synth init [--force]`: write a starter `.agentic-synth.json` that works with no keys at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson

from agentic_synth.adapters.config_file import CONFIG_NAME
from agentic_synth.adapters.serialization import unstructure
from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS
from agentic_synth.domain.config.settings import ProviderSettings, Settings
from agentic_synth.domain.config.validators import camel_key
from agentic_synth.domain.errors import UsageError

# What the starter sets beyond the defaults: the key variables, a cache directory here, example generator defaults.
STARTER_CACHE_DIR = "./.cache/agentic-synth"
STARTER_GENERATORS = {"timeseries": {"defaultSampleRate": "1s", "defaultDuration": "1h"},
                      "events": {"defaultRate": "100/sec"}}


def starter() -> dict[str, Any]:
    """The starter configuration: every value a default of Settings, except what STARTER_* above add."""
    defaults = unstructure(Settings())
    provider = unstructure(ProviderSettings())
    cache, routing = defaults["cache"], defaults["models"]["routing"]
    return {
        "apiKeys": {camel_key(p.key_setting): f"${{{p.key_env[0]}}}" for p in BUILTIN_PROVIDERS.values()},
        "cache": {**{k: cache[k] for k in ("enabled", "maxSize", "ttl")}, "persistPath": STARTER_CACHE_DIR},
        "models": {"routing": {k: routing[k] for k in ("strategy", "fallbackChain")},
                   "defaults": defaults["models"]["defaults"], "catalog": {}},
        "providers": {name: {k: provider[k] for k in ("timeout", "maxRetries", "maxConcurrency")}
                      for name in BUILTIN_PROVIDERS},
        "integrations": defaults["integrations"],
        "generators": STARTER_GENERATORS,
    }


STARTER = starter()

EXPLAIN = """\
wrote {path}
  apiKeys      read from the environment: {keys} (put them in your
               shell or in a .env file here; unset keys just mean the built-in engine is used)
  cache        model replies are cached ({ttl} ms) in memory and under {persist}
  models       routing strategy "cost" (cost, performance, quality or hybrid); add a fallbackChain
  providers    timeouts, retries and concurrency per provider; add your own OpenAI-compatible server
  integrations midstreamer, agentic-robotics, ruvector (each also needs its package installed)
  generators   default interval/duration for timeseries and rate for events
Check it with `agentic-synth doctor`; see docs/configuration.md for every key."""


def _gitignore_advice(cwd: Path) -> str | None:
    ignore = cwd / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    if any(line.strip() in (".env", "/.env", "*.env") for line in lines):
        return None
    return "advice: add .env to .gitignore so API keys are never committed (echo .env >> .gitignore)"


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing configuration file.")
@click.pass_context
def init(ctx: click.Context, force: bool) -> None:
    """Write a starter configuration (.agentic-synth.json, or the --config path)."""
    target = Path(ctx.obj.get("config_path") or CONFIG_NAME)
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"directory '{target.parent}' does not exist")
    out = AtomicFile(str(target))
    out.handle.write(orjson.dumps(STARTER, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    out.commit()
    click.echo(EXPLAIN.format(path=target, keys=", ".join(STARTER["apiKeys"].values()), ttl=STARTER["cache"]["ttl"],
                              persist=STARTER["cache"]["persistPath"]))
    advice = _gitignore_advice(Path.cwd())
    if advice:
        click.echo(advice)
