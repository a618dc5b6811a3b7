"""What integrations this installation has: the built-in targets and stores, their extras, and every plugin."""

from __future__ import annotations

from collections.abc import Collection
from importlib.metadata import entry_points

from agentic_synth.adapters.integrations.midstreamer import VERSION, node_dir, unavailable_reason
from agentic_synth.adapters.integrations.plugins import ENTRY_POINT_GROUP, module_installed

# (name, role, module that must import, extra that installs it)
EXTRAS = (("redis://", "stream", "redis", "redis"), ("nats://", "stream", "nats", "nats"),
          ("ruvector", "vectors", "ruvector", "ruvector"), ("mcp serve", "server", "mcp", "mcp"))


def integration_rows(plugins: Collection[str]) -> list[tuple[str, str, str]]:
    """(name, role, status) of each integration: built-ins, the extras and whether installed, then each plugin."""
    rows = [("http(s)://", "stream", "built in"), ("jsonl:PATH, stdout", "stream", "built in"),
            ("local", "vectors", "built in (SQLite)")]
    for name, role, module, extra in EXTRAS:
        status = "installed" if module_installed(module) else f"not installed (pip install 'agentic-synth[{extra}]')"
        rows.append((name, role, status))
    reason = unavailable_reason()
    rows.append(("midstreamer", "analyzer", f"midstreamer {VERSION} through Node ({node_dir()})" if reason is None
                 else f"numpy reference implementation ({reason})"))
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    for name in sorted(plugins):
        ep = found.get(name)
        origin = f"{ep.value}" + (f" from {ep.dist.name} {ep.dist.version}" if ep is not None and ep.dist else "") \
            if ep is not None else "registered in code"
        rows.append((name, "plugin", f"entry point {ENTRY_POINT_GROUP}: {origin}"))
    return rows
