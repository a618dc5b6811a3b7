"""CostLedger: every call, failure and cache hit of a run, per model."""

from __future__ import annotations

import threading
from decimal import Decimal

import attrs

from agentic_synth.domain.ai.models import Completion
from agentic_synth.domain.generation.results import ModelUsage


@attrs.define
class LedgerEntry:
    """What one model did: calls (cache hits included), tokens, cost, records and failures."""

    model: str
    provider: str = ""
    calls: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: Decimal = Decimal(0)
    unpriced_calls: int = 0  # calls whose cost is unknown (model not in the catalog)
    records: int = 0
    failures: int = 0
    last_failure: str = ""

    def to_usage(self) -> ModelUsage:
        return ModelUsage(calls=self.calls, tokens_in=self.tokens_in, tokens_out=self.tokens_out,
                          cost_usd=float(self.cost_usd), records=self.records, failures=self.failures)


class CostLedger:
    """Thread-safe tally of a run's model use; cache hits count as calls at $0."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}
        self._lock = threading.Lock()

    def _entry(self, model: str, provider: str = "") -> LedgerEntry:
        entry = self._entries.get(model)
        if entry is None:
            entry = self._entries[model] = LedgerEntry(model, provider)
        elif provider and not entry.provider:
            entry.provider = provider
        return entry

    def record(self, completion: Completion) -> None:
        """One answered call; a cached answer adds a cache hit and no cost."""
        with self._lock:
            entry = self._entry(completion.model, completion.provider)
            entry.calls += 1
            if completion.cached:
                entry.cache_hits += 1
                return
            entry.tokens_in += completion.tokens_in
            entry.tokens_out += completion.tokens_out
            if completion.cost_usd is None:
                entry.unpriced_calls += 1
            else:
                entry.cost_usd += Decimal(str(completion.cost_usd))

    def record_failure(self, model: str, reason: str, provider: str = "") -> None:
        with self._lock:
            entry = self._entry(model, provider)
            entry.failures += 1
            entry.last_failure = reason

    def record_records(self, model: str, count: int) -> None:
        """Valid records a model's answers produced (told by the generation loop)."""
        with self._lock:
            self._entry(model).records += count

    def entries(self) -> list[LedgerEntry]:
        with self._lock:
            return [attrs.evolve(e) for e in self._entries.values()]

    @property
    def total_cost(self) -> Decimal:
        with self._lock:
            return sum((e.cost_usd for e in self._entries.values()), Decimal(0))

    @property
    def cache_hits(self) -> int:
        with self._lock:
            return sum(e.cache_hits for e in self._entries.values())

    def usage(self) -> dict[str, ModelUsage]:
        """Per-model figures in the shape of RunMetadata.models."""
        return {e.model: e.to_usage() for e in self.entries()}

    def notes(self) -> list[str]:
        """Warnings worth a line in the run's metadata (unknown costs)."""
        return [f"cost of {e.unpriced_calls} call(s) to '{e.model}' is unknown (no prices in the catalog)"
                for e in self.entries() if e.unpriced_calls]
