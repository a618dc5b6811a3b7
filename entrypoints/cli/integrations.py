"""`agentic-synth integrations list|install NAME`: what is installed, and the setup step for midstreamer (npm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click
import orjson

from agentic_synth.adapters.integrations.midstreamer import (
    PACKAGE,
    VERSION,
    MidstreamerTemporalAnalyzer,
    installed_version,
    node_dir,
)
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.entrypoints.integration_status import integration_rows

INSTALLABLE = ("midstreamer",)


@click.group()
def integrations() -> None:
    """List the integrations found here, or install one that needs a setup step."""


@integrations.command("list")
@click.pass_context
def list_integrations(ctx: click.Context) -> None:
    """Every integration: the built-in ones and each plugin found by entry point, with its status."""
    for name, kind, detail in integration_rows(ctx.obj["container"].integration_plugins()):
        click.echo(f"{name:<22} {kind:<10} {detail}")


@integrations.command("install")
@click.argument("name", type=click.Choice(INSTALLABLE))
@click.option("--dir", "target", metavar="PATH", help="Where to install (default: $AGENTIC_SYNTH_NODE_DIR, else "
                                                       "~/.local/share/agentic-synth/node).")
@click.pass_context
def install(ctx: click.Context, name: str, target: str | None) -> None:
    """Install NAME's upstream package: midstreamer@0.2.5 from npm, for the Node bridge (needs Node.js and npm)."""
    console = ctx.obj["console"]
    root = Path(target) if target else node_dir()
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        raise UsageError("integrations install midstreamer: Node.js and npm are needed (apt-get install nodejs npm); "
                         "without them agentic-synth uses its numpy reference implementation")
    if installed_version(root) != VERSION:
        root.mkdir(parents=True, exist_ok=True)
        manifest = {"name": "agentic-synth-node", "private": True, "dependencies": {PACKAGE: VERSION}}
        (root / "package.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        console.info(f"agentic-synth: npm install {PACKAGE}@{VERSION} in {root}")
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev"],
                              cwd=root, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise IntegrationError(f"npm install failed (exit {done.returncode}): {last}", integration="midstreamer")
    with MidstreamerTemporalAnalyzer(root) as bridge:  # prove it: Node loads the module and compares
        check = bridge.analyze([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    if check.dtw_distance != 1.0:
        raise IntegrationError(f"the bridge answered dtw {check.dtw_distance} for a known pair (expected 1.0)",
                               integration="midstreamer")
    click.echo(f"midstreamer {bridge.version} installed in {root}; the Node bridge works")
