"""ResilientTextModel: which errors are retried, how long it waits, and its client-side limits."""

from __future__ import annotations

import random

import pytest

from agentic_synth.adapters.providers.limits import AdaptiveConcurrency, MinuteWindow
from agentic_synth.adapters.providers.resilience import Limits, ResilientTextModel, RetryPolicy, estimate_tokens
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import ProviderError
from tests.fakes import FakeClock, FakeTextModel

REQUEST = ModelRequest(prompt="x" * 400, model="m", max_output_tokens=100)


def _error(status: int | None, retryable: bool, retry_after: float | None = None) -> ProviderError:
    return ProviderError(f"fake: status {status}", provider="fake", status=status, retryable=retryable,
                         retry_after=retry_after)


def test_retryable_errors_are_retried_with_full_jitter_below_the_exponential_ceiling():
    clock = FakeClock()
    fake = FakeTextModel([_error(500, True), _error(None, True), _error(503, True)], default="ok")
    model = ResilientTextModel(fake, clock, policy=RetryPolicy(max_retries=3, base_delay=1.0, max_delay=3.0),
                               rng=random.Random(1))
    assert model.complete(REQUEST).text == "ok"
    assert fake.calls == 4 and len(clock.sleeps) == 3
    for attempt, slept in enumerate(clock.sleeps):
        assert 0 <= slept <= min(3.0, 2**attempt)
    assert len(set(clock.sleeps)) == 3  # jittered, not a fixed schedule


def test_retry_after_is_honoured_but_capped():
    clock = FakeClock()
    fake = FakeTextModel([_error(429, True, 12.5), _error(429, True, 9999.0)], default="ok")
    ResilientTextModel(fake, clock, policy=RetryPolicy(max_retry_after=60.0)).complete(REQUEST)
    assert clock.sleeps == [12.5, 60.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(status):
    clock = FakeClock()
    fake = FakeTextModel([_error(status, False)], default="ok")
    with pytest.raises(ProviderError):
        ResilientTextModel(fake, clock).complete(REQUEST)
    assert fake.calls == 1 and clock.sleeps == []


def test_retries_stop_after_the_cap_with_the_last_error():
    fake = FakeTextModel(default=lambda _: (_ for _ in ()).throw(_error(500, True)))
    with pytest.raises(ProviderError, match="status 500"):
        ResilientTextModel(fake, FakeClock(), policy=RetryPolicy(max_retries=2)).complete(REQUEST)
    assert fake.calls == 3


def test_a_stream_is_retried_before_its_first_piece_but_not_after():
    fake = FakeTextModel([_error(503, True)], default="hello world")
    model = ResilientTextModel(fake, FakeClock())
    assert "".join(d.text for d in model.stream(REQUEST)) == "hello world" and fake.calls == 2

    class BreaksMidway(FakeTextModel):
        def stream(self, request):
            yield from list(super().stream(request))[:1]
            raise _error(None, True)

    broken = BreaksMidway(default="hello world")
    got = []
    with pytest.raises(ProviderError):
        got.extend(d.text for d in ResilientTextModel(broken, FakeClock()).stream(REQUEST))
    assert got == ["hell"] and broken.calls == 1


def test_adaptive_concurrency_halves_on_429_once_per_episode_and_recovers_with_successes():
    limiter = AdaptiveConcurrency(8)
    epochs = [limiter.acquire() for _ in range(4)]
    for epoch in epochs:  # four 429s from the same moment halve once
        limiter.release(epoch, throttled=True)
    assert limiter.limit == 4
    limiter.release(limiter.acquire(), throttled=True)
    assert limiter.limit == 2
    for _ in range(2 + 3 + 4):
        limiter.release(limiter.acquire())
    assert limiter.limit == 5


def test_a_throttled_call_through_the_wrapper_lowers_the_providers_concurrency():
    fake = FakeTextModel([_error(429, True, 0.0)], default="ok")
    model = ResilientTextModel(fake, FakeClock(), limits=Limits(max_concurrency=6))
    model.complete(REQUEST)
    assert model.concurrency.limit == 3


def test_requests_per_minute_make_the_next_call_wait_for_the_window():
    clock = FakeClock()
    model = ResilientTextModel(FakeTextModel(default="ok"), clock, limits=Limits(requests_per_minute=2))
    for _ in range(3):
        model.complete(REQUEST)
    assert clock.sleeps == [60.0]


def test_tokens_per_minute_count_the_estimate_then_the_actual_usage():
    clock = FakeClock()
    window = MinuteWindow(1000, clock)
    entry = window.acquire(estimate_tokens(REQUEST))
    assert estimate_tokens(REQUEST) == 201
    window.settle(entry, 950)
    window.acquire(100)  # 950 + 100 > 1000: waits for the window
    assert clock.sleeps == [60.0]
