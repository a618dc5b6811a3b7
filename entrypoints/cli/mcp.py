"""`agentic-synth mcp serve`: the MCP server over stdio (an agent starts it) or streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from agentic_synth.adapters.integrations.plugins import module_installed
from agentic_synth.domain.errors import UsageError
from agentic_synth.entrypoints.sdk import AgenticSynth


@click.group()
def mcp() -> None:
    """Serve agentic-synth's tools to agent frameworks over the Model Context Protocol."""


@mcp.command("serve")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True,
              help="stdio (the client starts this process) or streamable HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="http: the address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="http: the port.")
@click.option("--root", default=".", show_default=True, metavar="DIR",
              help="Files a client names (schemas, data, vector stores) must be inside this directory.")
@click.option("--output-dir", default="mcp-output", show_default=True, metavar="DIR",
              help="Where generated files go (a client names files inside it, never elsewhere).")
@click.option("--workflows", metavar="PATH", help="The workflow file of list_workflows / run_workflow "
                                                  "(default: $AGENTIC_SYNTH_WORKFLOWS, else ./workflows.yaml).")
@click.option("--budget", type=click.FloatRange(min=0, min_open=True), metavar="USD",
              help="What all the server's calls together may spend on models.")
@click.pass_context
def serve(ctx: click.Context, transport: str, host: str, port: int, root: str, output_dir: str,
          workflows: str | None, budget: float | None) -> None:
    """Run the MCP server until the client disconnects (stdio) or Ctrl-C (http)."""
    if not module_installed("mcp"):
        raise UsageError("mcp serve: the mcp package is not installed (pip install 'agentic-synth[mcp]')")
    from agentic_synth.entrypoints.cli.main import known_secrets
    from agentic_synth.entrypoints.mcp_server import build_server

    container = ctx.obj["container"]
    if not Path(root).is_dir():
        raise UsageError(f"--root: '{root}' is not a directory")
    server = build_server(AgenticSynth(container=container), root=Path(root), output_dir=Path(output_dir),
                          workflows=workflows, budget=budget, secrets=lambda: known_secrets(container))
    if transport == "stdio":
        server.run("stdio")
        return
    if not _loopback(host):
        ctx.obj["console"].info(f"agentic-synth: warning: serving MCP on {host}, reachable from other machines; "
                                "it has no authentication")
    ctx.obj["console"].info(f"agentic-synth: MCP server on http://{host}:{port}/mcp (Ctrl-C stops)")
    server.run("streamable-http", host=host, port=port)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
