"""The outcome of a run: records (when kept in memory) and the run's metadata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema


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
    distinct: dict[str, float] = attrs.field(factory=dict)  # llm mode: distinct values ÷ records, per field
    plan: dict[str, Any] = attrs.field(factory=dict)  # hybrid mode: field path -> the values the plan applied
    # what the integrations did, by role: "stream" (target, records, batches, bytes, retries, seconds),
    # "similarity" (rolling comparison with a reference series)
    integrations: dict[str, Any] = attrs.field(factory=dict)

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
    """Records kept in memory (empty when they went to a file or sink) and the run's metadata.

    The records are held as the engine's chunks (columns); `records` makes the row dicts on first
    use, so a caller that wants a table (the SDK's `to_arrow()`) never pays for rows.
    """

    metadata: RunMetadata
    chunks: list[RecordChunk] = attrs.field(factory=list)
    schema: Schema | None = None
    _records: list[dict[str, Any]] | None = attrs.field(default=None, alias="records")
    model: Callable[[dict[str, Any]], Any] | None = None  # builds an instance, when the schema was a model class

    @property
    def records(self) -> list[dict[str, Any]]:
        if self._records is None:
            self._records = [row for chunk in self.chunks for row in chunk.rows()]
        return self._records

    def as_models(self) -> list[Any]:
        """The records as instances of the schema's model class (pydantic model, dataclass or attrs class)."""
        if self.model is None:
            raise UsageError("as_models() needs a run whose schema was a model class (pydantic, dataclass, attrs)")
        return [self.model(record) for record in self.records]

    def __len__(self) -> int:
        return len(self._records) if self._records is not None else sum(c.length for c in self.chunks)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.records)
