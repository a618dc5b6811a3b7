"""The outcome of a run: records (when kept in memory) and the run's metadata."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define
class ModelUsage:
    """What one model did in a run."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    records: int = 0
    failures: int = 0


@attrs.define
class RunMetadata:
    """Counts, time, calls, tokens, cost and cache figures of one run (also written by --report)."""

    kind: str
    mode: str
    seed: int
    requested: int | None
    records: int = 0
    seconds: float = 0.0
    source: str = "engine"
    output: str | None = None
    format: str | None = None
    dropped: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    models: dict[str, ModelUsage] = attrs.field(factory=dict)
    notes: list[str] = attrs.field(factory=list)

    @property
    def calls(self) -> int:
        return sum(m.calls for m in self.models.values())

    @property
    def tokens_in(self) -> int:
        return sum(m.tokens_in for m in self.models.values())

    @property
    def tokens_out(self) -> int:
        return sum(m.tokens_out for m in self.models.values())

    @property
    def cost_usd(self) -> float:
        return sum(m.cost_usd for m in self.models.values())

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out.update(calls=self.calls, tokens_in=self.tokens_in, tokens_out=self.tokens_out,
                   cost_usd=round(self.cost_usd, 6), seconds=round(self.seconds, 4))
        return out


@attrs.define
class GenerationResult:
    """Records kept in memory (empty when they went to a file or sink) and the run's metadata."""

    records: list[dict[str, Any]]
    metadata: RunMetadata

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.records)
