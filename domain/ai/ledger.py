"""CostLedger: every call, failure, charged failed attempt and cache hit of a run, per model."""

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
    charged_tokens_in: int = 0  # failed attempts that may have been billed, at their worst case
    charged_tokens_out: int = 0
    charged_usd: Decimal = Decimal(0)

    def to_usage(self) -> ModelUsage:
        return ModelUsage(calls=self.calls, tokens_in=self.tokens_in, tokens_out=self.tokens_out,
                          cost_usd=float(self.cost_usd), records=self.records, failures=self.failures)


class CostLedger:
    """Thread-safe tally of a run's model use; cache hits count as calls at $0."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}
        self._in_flight: dict[object, tuple[str, int, int, Decimal]] = {}
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

    def record_charge(self, model: str, tokens_in: int, tokens_out: int, cost: Decimal | None, *,
                      provider: str = "") -> None:
        """A failed attempt that may have been billed, charged at its worst case (no call, no records)."""
        with self._lock:
            entry = self._entry(model, provider)
            entry.charged_tokens_in += tokens_in
            entry.charged_tokens_out += tokens_out
            entry.charged_usd += cost or Decimal(0)

    def attempt_started(self, key: object, model: str, tokens_in: int, tokens_out: int, cost: Decimal | None) -> None:
        """An attempt is in flight with this worst case (charged if the run ends before it does)."""
        with self._lock:
            self._in_flight[key] = (model, tokens_in, tokens_out, cost or Decimal(0))

    def attempt_ended(self, key: object) -> None:
        with self._lock:
            self._in_flight.pop(key, None)

    def charges(self) -> dict[str, tuple[int, int, Decimal]]:
        """Per model: tokens in, out and USD of failed attempts and of those still in flight (worst cases)."""
        with self._lock:
            out = {e.model: (e.charged_tokens_in, e.charged_tokens_out, e.charged_usd) for e in self._entries.values()
                   if e.charged_tokens_in or e.charged_tokens_out or e.charged_usd}
            for model, tokens_in, tokens_out, cost in self._in_flight.values():
                was = out.get(model, (0, 0, Decimal(0)))
                out[model] = (was[0] + tokens_in, was[1] + tokens_out, was[2] + cost)
            return out

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
