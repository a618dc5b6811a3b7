"""Run-time detection of integrations: entry points of group `agentic_synth.integrations`, and module probes."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

ENTRY_POINT_GROUP = "agentic_synth.integrations"
# the configuration's name of each integration -> its entry point name and the module doctor probes
INTEGRATION_MODULES = {"midstreamer": "midstreamer", "agenticRobotics": "agentic_robotics", "ruvector": "ruvector"}

Factory = Callable[[Mapping[str, Any]], Any]


def _lazy(ep: EntryPoint) -> Factory:
    def factory(options: Mapping[str, Any]) -> Any:
        return ep.load()(dict(options))

    factory.__qualname__ = f"entry point {ep.name} = {ep.value}"
    return factory


def discover_integrations(*, load_plugins: bool = True) -> dict[str, Factory]:
    """Installed integration plugins by name; each is loaded only when used (a broken one fails then, clearly)."""
    if not load_plugins:
        return {}
    return {ep.name: _lazy(ep) for ep in entry_points(group=ENTRY_POINT_GROUP)}


def module_installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
