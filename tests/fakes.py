"""Test doubles: FakeTextModel (scripted replies), FakeClock (time that never sleeps), FailingGenerator."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.generators import CustomGenerator
from agentic_synth.domain.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.records import RecordChunk
from agentic_synth.domain.requests import GenerationRequest

Script = str | BaseException | Callable[[ModelRequest], str]


class FakeClock:
    """Monotonic time that moves only when someone sleeps; every sleep is recorded."""

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.time

    def now(self) -> float:
        return 1_700_000_000.0 + self.monotonic()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.time += seconds


class FakeTextModel:
    """A TextModel that answers from a script, in order, then from `default` (a text or a function).

    Every request is recorded; a script item that is an exception is raised instead of answering.
    Streams split the text into `stream_parts` pieces; usage is ~4 characters per token.
    """

    def __init__(self, script: Sequence[Script] = (), *, default: Script | None = None, provider: str = "fake",
                 stream_parts: int = 3) -> None:
        self.provider = provider
        self.requests: list[ModelRequest] = []
        self._script = list(script)
        self._default = default
        self._parts = stream_parts
        self._lock = threading.Lock()

    def push(self, *items: Script) -> FakeTextModel:
        with self._lock:
            self._script.extend(items)
        return self

    @property
    def calls(self) -> int:
        return len(self.requests)

    def _answer(self, request: ModelRequest) -> str:
        with self._lock:
            self.requests.append(request)
            item = self._script.pop(0) if self._script else self._default
        if item is None:
            raise AssertionError(f"FakeTextModel: no reply scripted for call {len(self.requests)}")
        if isinstance(item, BaseException):
            raise item
        return item(request) if callable(item) else item

    def complete(self, request: ModelRequest) -> Completion:
        text = self._answer(request)
        return Completion(text=text, model=request.model or "fake-model", provider=self.provider,
                          tokens_in=len(request.prompt) // 4 + 1, tokens_out=len(text) // 4 + 1, cost_usd=0.001)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        text = self._answer(request)
        size = max(1, -(-len(text) // self._parts))
        for i in range(0, len(text), size):
            yield TextDelta(text=text[i:i + size])
        yield TextDelta(text="", tokens_in=len(request.prompt) // 4 + 1, tokens_out=len(text) // 4 + 1, done=True)


def records_reply(records: Sequence[dict[str, Any]]) -> str:
    """A model reply holding `records` the way the prompt asks for them."""
    import json

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
