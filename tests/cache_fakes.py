"""Test doubles for the response cache tests: a clock you move by hand and a scripted TextModel."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from agentic_synth.domain.models import Completion, ModelRequest, TextDelta


class FakeClock:
    """Time stands still until a test moves it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.t = start

    def monotonic(self) -> float:
        return self.t

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds

    def advance(self, seconds: float) -> None:
        self.t += seconds


class FakeTextModel:
    """Answers every call with a new text ("reply-1", "reply-2", ...) and records the requests.

    A real call never repeats an answer, so identical output across calls proves a cache hit.
    """

    provider = "fake"

    def __init__(self, *, finish_reason: str = "stop", cost_usd: float = 0.25, pieces: int = 3) -> None:
        self.requests: list[ModelRequest] = []
        self.finish_reason = finish_reason
        self.cost_usd = cost_usd
        self.pieces = pieces
        self.api_key = "sk-secret-do-not-store"
        self._n = itertools.count(1)

    def complete(self, request: ModelRequest) -> Completion:
        self.requests.append(request)
        return Completion(text=f"reply-{next(self._n)}", model=request.model or "fake-model", provider=self.provider,
                          tokens_in=11, tokens_out=7, latency_s=0.5, finish_reason=self.finish_reason,
                          cost_usd=self.cost_usd)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        self.requests.append(request)
        text = f"streamed-{next(self._n)}"
        cuts = [len(text) * i // self.pieces for i in range(self.pieces + 1)]
        for i in range(self.pieces):
            last = i == self.pieces - 1
            yield TextDelta(text[cuts[i]:cuts[i + 1]], tokens_in=11 if last else 0, tokens_out=7 if last else 0,
                            done=last)
