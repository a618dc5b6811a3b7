"""Test doubles: generators that fail midway, for atomic-write and error-path tests."""

from __future__ import annotations

from collections.abc import Iterator

from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.generators import CustomGenerator
from agentic_synth.domain.records import RecordChunk
from agentic_synth.domain.requests import GenerationRequest


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
