"""Test doubles for routing, cost and budget: a hand-moved clock and a scripted TextModel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping

from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.models import Completion, ModelRequest, TextDelta


class ManualClock:
    """A Clock whose time moves only when a test says so."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def monotonic(self) -> float:
        return self.t

    def now(self) -> float:
        return 1_700_000_000.0 + self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds

    def advance(self, seconds: float) -> None:
        self.t += seconds


class FakeTextModel:
    """Answers every request with `text`, unless its model is in `failing` (then a ProviderError).

    Usage is `tokens_in`/`tokens_out` (or `usage(request)`), latency per model from `latency`.
    Thread-safe; every request is kept in `requests`.
    """

    def __init__(self, provider: str = "fake", *, failing: Iterable[str] = (), text: str = '[{"a": 1}]',
                 tokens_in: int = 100, tokens_out: int = 50, latency: Mapping[str, float] | None = None,
                 usage: Callable[[ModelRequest], tuple[int, int]] | None = None, cached: bool = False,
                 error: Callable[[ModelRequest], ProviderError] | None = None) -> None:
        self.provider = provider
        self.failing = set(failing)
        self.text = text
        self.tokens_in, self.tokens_out = tokens_in, tokens_out
        self.latency = dict(latency or {})
        self.usage = usage
        self.cached = cached
        self.error = error or (lambda r: ProviderError("HTTP 503 service unavailable after 3 attempts",
                                                        provider=self.provider, status=503, retryable=True))
        self.requests: list[ModelRequest] = []
        self._lock = threading.Lock()

    def _answer(self, request: ModelRequest) -> tuple[int, int]:
        with self._lock:
            self.requests.append(request)
        if request.model in self.failing:
            raise self.error(request)
        return self.usage(request) if self.usage is not None else (self.tokens_in, self.tokens_out)

    def complete(self, request: ModelRequest) -> Completion:
        tokens_in, tokens_out = self._answer(request)
        return Completion(text=self.text, model=request.model or "?", provider=self.provider, tokens_in=tokens_in,
                          tokens_out=tokens_out, latency_s=self.latency.get(request.model or "", 0.5),
                          cached=self.cached, cost_usd=0.0)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        tokens_in, tokens_out = self._answer(request)
        half = len(self.text) // 2
        yield TextDelta(self.text[:half])
        yield TextDelta(self.text[half:], tokens_in=tokens_in, tokens_out=tokens_out, done=True)

    @property
    def models_called(self) -> list[str | None]:
        with self._lock:
            return [r.model for r in self.requests]
