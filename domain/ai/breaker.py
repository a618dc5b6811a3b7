"""CircuitBreaker: stop calling a model that keeps failing, and try it again after a cool-down."""

from __future__ import annotations

import threading
from enum import Enum

from agentic_synth.domain.ports import Clock


class BreakerState(str, Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    """Closed -> open after `threshold` consecutive failures -> half-open once `cooldown_s` has
    passed (one trial call at a time) -> closed on a success, open again on a failure.

    Thread-safe; the clock is injected so tests move time by hand.
    """

    def __init__(self, clock: Clock, *, threshold: int = 3, cooldown_s: float = 30.0) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        if cooldown_s < 0:
            raise ValueError("cooldown_s must be >= 0")
        self._clock = clock
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock.monotonic() - self._opened_at >= self.cooldown_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def retry_in(self) -> float:
        """Seconds until an open breaker lets a trial call through (0 when it would now)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            elapsed: float = self._clock.monotonic() - self._opened_at
            return max(0.0, self.cooldown_s - elapsed)

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one trial call at a time."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.threshold:
                self._opened_at = self._clock.monotonic()
            self._trial_running = False

    def record_abandoned(self) -> None:
        """The call ended neither in success nor in a model failure (e.g. a budget stop)."""
        with self._lock:
            self._trial_running = False
