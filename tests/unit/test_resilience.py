"""ResilientTextModel: which errors are retried, how long it waits, and its client-side limits."""

from __future__ import annotations

import random

import attrs
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
    assert model.limiter(REQUEST.model).limit == 3 and model.limiter("another-model").limit == 6


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


def test_one_models_429s_do_not_lower_the_concurrency_of_another_model_of_the_provider():
    fake = FakeTextModel([_error(429, True, 0.0), _error(429, True, 0.0)], default="ok")
    model = ResilientTextModel(fake, FakeClock(), limits=Limits(max_concurrency=8))
    model.complete(attrs.evolve(REQUEST, model="busy"))
    model.complete(attrs.evolve(REQUEST, model="busy"))
    model.complete(attrs.evolve(REQUEST, model="calm"))
    assert model.limiter("busy").limit <= 4 and model.limiter("calm").limit == 8
    assert model.total.limit == 8  # the provider's own cap is never halved


def test_a_call_the_router_can_hand_on_is_not_retried_through_a_long_retry_after():
    clock = FakeClock()
    fake = FakeTextModel([_error(429, True, 20.0)], default="ok")
    model = ResilientTextModel(fake, clock)
    handed = attrs.evolve(REQUEST, hand_over_after=5.0)
    with pytest.raises(ProviderError, match="status 429"):
        model.complete(handed)
    assert fake.calls == 1 and clock.sleeps == []  # no waiting through the retry ladder
    with pytest.raises(ProviderError, match=r"rate limited for another 20s .* handed to the next model"):
        model.complete(handed)  # while the Retry-After lasts, the next call is handed on without a request
    assert fake.calls == 1
    assert model.complete(attrs.evolve(REQUEST, model="other", hand_over_after=5.0)).text == "ok"
    assert model.complete(REQUEST).text == "ok" and clock.sleeps == []  # no one to hand to: it is called
    clock.advance(21)
    assert model.complete(handed).text == "ok"


def test_a_short_retry_after_is_still_waited_for_even_when_the_call_could_be_handed_on():
    clock = FakeClock()
    fake = FakeTextModel([_error(429, True, 2.0)], default="ok")
    assert ResilientTextModel(fake, clock).complete(attrs.evolve(REQUEST, hand_over_after=5.0)).text == "ok"
    assert clock.sleeps == [2.0]
