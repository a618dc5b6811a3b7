"""The limits of one llm-mode run: its options (--concurrency, --max-calls, --timeout) over the configuration."""

from __future__ import annotations

from typing import Any

from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.requests import parse_duration


def _whole(value: Any, option: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{option} must be a whole number >= 1, got {value!r}")
    return value


def run_limits(settings: Settings, *, provider: str | None, concurrency: Any = None, max_calls: Any = None,
               timeout: Any = None) -> dict[str, Any]:
    """AISettings keywords: calls in flight (the option, else the serving provider's `maxConcurrency`), the
    call and time limits (the options, else `llm.maxCalls` / `llm.timeout`) and the no-progress rule."""
    llm = settings.llm
    slots = _whole(concurrency, "--concurrency")
    if slots is None and provider is not None:
        served = settings.resolved().providers.get(provider)
        slots = served.max_concurrency if served is not None else None
    timeout = llm.timeout if timeout is None else timeout
    return {"concurrency": slots, "max_calls": _whole(max_calls, "--max-calls") or llm.max_calls,
            "timeout_s": None if timeout is None else parse_duration(timeout, "--timeout"),
            "progress_window": llm.progress_window, "min_progress": llm.min_progress}
