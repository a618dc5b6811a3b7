"""Every transition of the circuit breaker, with a clock moved by hand."""

from __future__ import annotations

import threading

import pytest

from agentic_synth.domain.ai.breaker import BreakerState, CircuitBreaker
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_closed_breaker_stays_closed_below_the_threshold(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=3, cooldown_s=10)
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()


def test_a_success_resets_the_count_of_consecutive_failures(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=3, cooldown_s=10)
    for _ in range(2):
        breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 2


def test_the_threshold_of_consecutive_failures_opens_the_breaker(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=3, cooldown_s=10)
    for _ in range(3):
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.advance(4)
    assert breaker.retry_in() == pytest.approx(6)


def test_the_cool_down_half_opens_the_breaker_for_one_trial_call(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=1, cooldown_s=10)
    breaker.record_failure()
    clock.advance(9.99)
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.advance(0.01)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one trial at a time


def test_a_successful_trial_closes_the_breaker(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=2, cooldown_s=5)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(5)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow() and breaker.allow()


def test_a_failed_trial_opens_the_breaker_for_a_fresh_cool_down(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=2, cooldown_s=5)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(6)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.advance(4.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.state is BreakerState.HALF_OPEN


def test_an_abandoned_trial_lets_another_trial_through(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=1, cooldown_s=1)
    breaker.record_failure()
    clock.advance(1)
    assert breaker.allow() and not breaker.allow()
    breaker.record_abandoned()
    assert breaker.allow()


def test_only_one_of_many_threads_gets_the_half_open_trial(clock: FakeClock) -> None:
    breaker = CircuitBreaker(clock, threshold=1, cooldown_s=1)
    breaker.record_failure()
    clock.advance(1)
    allowed: list[bool] = []
    threads = [threading.Thread(target=lambda: allowed.append(breaker.allow())) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 1


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1), (1, -1)])
def test_nonsense_settings_are_refused(clock: FakeClock, threshold: int, cooldown: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(clock, threshold=threshold, cooldown_s=cooldown)
