"""UsageTally: what each model did during one run (calls, tokens, cost, records kept and dropped)."""

from __future__ import annotations

import threading
from typing import Any

import attrs

from agentic_synth.domain.ai.models import Completion
from agentic_synth.domain.generation.results import ModelUsage


class UsageTally:
    """Thread-safe counters per model, copied into RunMetadata.models at the end of a run."""

    def __init__(self) -> None:
        self._models: dict[str, ModelUsage] = {}
        self._lock = threading.Lock()
        self.invalid = 0
        self.duplicates = 0
        self.notes: list[str] = []
        self.distinct: dict[str, float] = {}  # distinct values ÷ records, per field (llm mode)
        self.plan: dict[str, Any] = {}  # hybrid mode: field path -> the values the plan applied

    def _usage(self, model: str) -> ModelUsage:
        return self._models.setdefault(model, ModelUsage())

    def call(self, completion: Completion) -> None:
        """Count a reply; a cached one is no call (it cost nothing), only its records will count."""
        if completion.cached:
            return
        with self._lock:
            usage = self._usage(completion.model)
            usage.calls += 1
            usage.tokens_in += completion.tokens_in
            usage.tokens_out += completion.tokens_out
            usage.cost_usd += completion.cost_usd or 0.0

    def kept(self, model: str, records: int) -> None:
        with self._lock:
            self._usage(model).records += records

    def failure(self, model: str) -> None:
        with self._lock:
            self._usage(model).failures += 1

    def dropped(self, *, invalid: int = 0, duplicates: int = 0) -> None:
        with self._lock:
            self.invalid += invalid
            self.duplicates += duplicates

    def note(self, text: str) -> None:
        with self._lock:
            self.notes.append(text)

    def snapshot(self) -> dict[str, ModelUsage]:
        with self._lock:
            return {name: attrs.evolve(usage) for name, usage in self._models.items()}
