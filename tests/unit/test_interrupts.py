"""Stop requests: deferred while a chunk is written, remembered when the KeyboardInterrupt is lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.application import interrupts
from agentic_synth.application.generate import GenerateRecords
from agentic_synth.domain.errors import Interrupted
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from tests.fakes import FakeClock


@pytest.fixture(autouse=True)
def _no_request_left_behind() -> Iterator[None]:
    interrupts.clear()
    yield
    interrupts.clear()


def test_a_first_request_inside_a_shield_waits_for_its_end_and_a_second_one_does_not() -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.shielded():
        assert interrupts.request_stop() is False  # noted: the block goes on
        assert interrupts.request_stop() is True  # a second Ctrl-C: raise now
    assert interrupts.stop_requested()


def test_a_shield_ends_quietly_when_asked_not_to_stop_after_it() -> None:
    with interrupts.shielded(stop_after=False):
        assert interrupts.request_stop() is False
    assert interrupts.stop_requested()


def test_only_the_main_thread_is_shielded() -> None:
    answers: list[bool] = []

    def job() -> None:
        with interrupts.shielded():
            answers.append(interrupts._state["shielded"] == 0)

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert answers == [True]


class _Registry:
    """One generator whose chunks note a stop request the way a swallowed KeyboardInterrupt leaves it."""

    def __init__(self) -> None:
        self.made = 0

    def get(self, kind: str) -> object:
        registry = self

        class Generator:
            @staticmethod
            def chunks(request: GenerationRequest) -> Iterator[RecordChunk]:
                for _ in range(5):
                    registry.made += 1
                    if registry.made == 2:
                        interrupts.request_stop()  # the handler ran, its exception never arrived
                    yield RecordChunk.from_rows([{"id": registry.made}], ("id",))

        return Generator()


def test_a_run_stops_after_the_chunk_when_its_interrupt_was_lost() -> None:
    registry = _Registry()
    sink = InMemoryRecordSink()
    request = GenerationRequest(kind="structured", schema=Schema.from_payload({"id": "integer"}), count=5, seed=1)
    with pytest.raises(Interrupted, match="interrupted; no output written"):
        GenerateRecords(registry, FakeClock()).run(request, sink)  # type: ignore[arg-type]
    assert registry.made == 2  # not all five
