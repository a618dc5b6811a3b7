"""Test doubles: FakeTextModel (scripted replies), FakeClock (time that moves only when told), FailingGenerator."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.generation.generators import CustomGenerator
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest

Script = str | BaseException | Callable[[ModelRequest], str]


class FakeClock:
    """A Clock whose time moves only when someone sleeps or a test calls `advance`; sleeps are recorded.

    `monotonic()` starts at `start`; `now()` (epoch seconds) starts at `now`, by default
    1_700_000_000 + `start`, and both move together.
    """

    def __init__(self, start: float = 1000.0, *, now: float | None = None) -> None:
        self.start = start
        self.epoch = 1_700_000_000.0 + start if now is None else now
        self.moved = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.start + self.moved

    def now(self) -> float:
        with self._lock:
            return self.epoch + self.moved

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.moved += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Let time pass without anyone sleeping."""
        with self._lock:
            self.moved += seconds


def numbered(prefix: str) -> Callable[[ModelRequest], str]:
    """Replies `prefix-1`, `prefix-2`, ...: a real call never repeats itself, so equal texts prove a cache hit."""
    counter = itertools.count(1)
    return lambda request: f"{prefix}-{next(counter)}"


def _unavailable(provider: str) -> Callable[[ModelRequest], ProviderError]:
    return lambda request: ProviderError("HTTP 503 service unavailable after 3 attempts", provider=provider,
                                         status=503, retryable=True)


class FakeTextModel:
    """A TextModel that answers from a script, in order, then from `default` (a text or a function).

    Every request is recorded (thread-safe), failed ones too. A script item that is an exception is
    raised instead of answering; a request for a model in `failing` raises `error(request)` (by
    default a retryable HTTP 503). Usage is `usage(request)`, else `tokens_in`/`tokens_out`, else
    about 4 characters a token. `cost_usd`, `latency` (seconds, or per model), `cached` and
    `finish_reason` go on every Completion. Streams split the text into `stream_parts` pieces; the
    last one carries the usage and `done`.
    """

    api_key = "sk-secret-do-not-store"  # a key that must never reach a cache, a log or an output

    def __init__(self, script: Sequence[Script] = (), *, default: Script | None = None, provider: str = "fake",
                 stream_parts: int = 3, failing: Iterable[str] = (),
                 error: Callable[[ModelRequest], ProviderError] | None = None,
                 tokens_in: int | None = None, tokens_out: int | None = None,
                 usage: Callable[[ModelRequest], tuple[int, int]] | None = None,
                 latency: float | Mapping[str, float] = 0.0, cost_usd: float | None = 0.001, cached: bool = False,
                 finish_reason: str | None = None) -> None:
        self.provider = provider
        self.requests: list[ModelRequest] = []
        self.failing = set(failing)
        self.error = error or _unavailable(provider)
        self.tokens_in, self.tokens_out, self.usage = tokens_in, tokens_out, usage
        self.latency, self.cost_usd, self.cached, self.finish_reason = latency, cost_usd, cached, finish_reason
        self._script = list(script)
        self._default = default
        self._parts = stream_parts
        self._lock = threading.Lock()

    @classmethod
    def for_routing(cls, provider: str = "fake", **options: Any) -> FakeTextModel:
        """The router's and budget's double: a fixed JSON reply, 100 tokens in, 50 out, 0.5 s, no own cost."""
        preset: dict[str, Any] = {"default": '[{"a": 1}]', "tokens_in": 100, "tokens_out": 50, "latency": 0.5,
                                  "cost_usd": 0.0, "stream_parts": 2}
        if "text" in options:
            options["default"] = options.pop("text")
        return cls(provider=provider, **{**preset, **options})

    @classmethod
    def for_cache(cls, **options: Any) -> FakeTextModel:
        """The response cache's double: a new text every call (reply-1, reply-2, ...), 11 tokens in, 7 out."""
        preset: dict[str, Any] = {"default": numbered("reply"), "tokens_in": 11, "tokens_out": 7, "latency": 0.5,
                                  "cost_usd": 0.25, "finish_reason": "stop"}
        return cls(**{**preset, **options})

    def push(self, *items: Script) -> FakeTextModel:
        with self._lock:
            self._script.extend(items)
        return self

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def models_called(self) -> list[str | None]:
        with self._lock:
            return [r.model for r in self.requests]

    def _answer(self, request: ModelRequest) -> str:
        with self._lock:
            self.requests.append(request)
            failing = request.model in self.failing
            item = None if failing else (self._script.pop(0) if self._script else self._default)
        if failing:
            raise self.error(request)
        if item is None:
            raise AssertionError(f"FakeTextModel: no reply scripted for call {len(self.requests)}")
        if isinstance(item, BaseException):
            raise item
        return item(request) if callable(item) else item

    def _usage(self, request: ModelRequest, text: str) -> tuple[int, int]:
        if self.usage is not None:
            return self.usage(request)
        return (len(request.prompt) // 4 + 1 if self.tokens_in is None else self.tokens_in,
                len(text) // 4 + 1 if self.tokens_out is None else self.tokens_out)

    def _latency(self, request: ModelRequest) -> float:
        if isinstance(self.latency, Mapping):
            return self.latency.get(request.model or "", 0.5)
        return self.latency

    def complete(self, request: ModelRequest) -> Completion:
        text = self._answer(request)
        tokens_in, tokens_out = self._usage(request, text)
        return Completion(text=text, model=request.model or "fake-model", provider=self.provider,
                          tokens_in=tokens_in, tokens_out=tokens_out, latency_s=self._latency(request),
                          finish_reason=self.finish_reason, cached=self.cached, cost_usd=self.cost_usd)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        text = self._answer(request)
        tokens_in, tokens_out = self._usage(request, text)
        size = max(1, -(-len(text) // self._parts))
        pieces = [text[i:i + size] for i in range(0, len(text), size)] or [""]
        for k, piece in enumerate(pieces):
            last = k == len(pieces) - 1
            yield TextDelta(text=piece, tokens_in=tokens_in if last else 0, tokens_out=tokens_out if last else 0,
                            done=last)


def records_reply(records: Sequence[dict[str, Any]]) -> str:
    """A model reply holding `records` the way the prompt asks for them."""
    return json.dumps({"records": list(records)})


class FailingGenerator(CustomGenerator):
    """Yields `good_chunks` chunks of 100 records {"n": i}, then raises `error`."""

    description = "fails after some chunks"

    def __init__(self, error: BaseException, *, good_chunks: int = 3, type: str = "failing") -> None:
        self.type = type
        self.error = error
        self.good_chunks = good_chunks

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        for k in range(self.good_chunks):
            yield RecordChunk.from_columns({"n": list(range(k * 100, (k + 1) * 100))})
        raise self.error


MIDWAY_ERRORS = {
    "provider": ProviderError("gemini: HTTP 500 after 3 retries", provider="gemini", status=500),
    "keyboard": KeyboardInterrupt(),
    "bug": RuntimeError("boom"),
}
