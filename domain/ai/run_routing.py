"""RunRouting: a run's own routing and budget options (--strategy, --fallback, --auto-route, --budget), parsed once."""

from __future__ import annotations

import math
from typing import Any

import attrs

from agentic_synth.domain.ai.routing import parse_fallback, parse_strategy
from agentic_synth.domain.errors import UsageError


def parse_budget(value: Any, what: str = "--budget") -> float:
    """'0.10', '$0.10', 0.1 -> 0.1 (USD, > 0, finite)."""
    try:
        amount = float(str(value).strip().lstrip("$")) if not isinstance(value, bool) else math.nan
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or amount <= 0:
        raise UsageError(f"{what}: expected a positive amount in USD (like 0.10), got '{value}'")
    return amount


@attrs.frozen
class RunRouting:
    """What one run says about routing, on top of the configuration's `models.routing`.

    None (and False) leave the configuration's choice; `budget_usd` None means no cap.
    """

    strategy: str | None = None
    fallback: tuple[str, ...] | None = None
    auto_route: bool = False
    budget_usd: float | None = None

    @classmethod
    def from_values(cls, *, strategy: Any = None, fallback: Any = None, auto_route: Any = False,
                    budget: Any = None) -> RunRouting:
        """From CLI or SDK values, each checked with an error naming its option."""
        if not isinstance(auto_route, bool):
            raise UsageError(f"auto_route must be true or false, got {auto_route!r}")
        return cls(strategy=None if strategy is None else parse_strategy(strategy, "--strategy"),
                   fallback=None if fallback is None else parse_fallback(fallback, "--fallback"),
                   auto_route=auto_route, budget_usd=None if budget is None else parse_budget(budget))

    @property
    def given(self) -> bool:
        """Did the run say anything about routing (the engine then notes that it made no calls)."""
        return self.strategy is not None or self.fallback is not None or self.auto_route or self.budget_usd is not None
