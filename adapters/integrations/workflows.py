"""InProcessWorkflowEngine: named generation runs, triggered in this process (agentic-robotics without the tool)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from agentic_synth.domain.errors import UsageError

Workflow = Callable[[Mapping[str, Any]], Any]


class InProcessWorkflowEngine:
    """Keeps workflows by name; `trigger_workflow` runs one now, in the calling thread, and returns its result."""

    def __init__(self) -> None:
        self._workflows: dict[str, Workflow] = {}
        self._lock = threading.Lock()

    def is_available(self) -> bool:
        return True

    def register_workflow(self, name: str, generator: Any) -> None:
        if not isinstance(name, str) or not name.strip():
            raise UsageError("a workflow needs a non-empty name")
        if not callable(generator):
            raise UsageError(f"workflow '{name}': expected a callable taking option overrides, "
                             f"got {type(generator).__name__}")
        with self._lock:
            self._workflows[name] = generator

    def trigger_workflow(self, name: str, options: Mapping[str, Any]) -> Any:
        with self._lock:
            workflow = self._workflows.get(name)
            known = sorted(self._workflows)
        if workflow is None:
            raise UsageError(f"no workflow named '{name}' (registered: {', '.join(known) or 'none'})")
        return workflow(dict(options))

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._workflows)
