"""Client-side limits for one provider: adaptive concurrency (AIMD) and per-minute windows."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from agentic_synth.domain.ports import Clock

WINDOW_S = 60.0


class AdaptiveConcurrency:
    """At most `limit` calls in flight; a 429 halves the limit, `limit` successes in a row add one back.

    Only the first 429 of calls that started under the same limit halves it, so a burst of
    rejections from one overloaded moment does not collapse the limit to 1.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = max(1, maximum)
        self.limit = self.maximum
        self._in_flight = 0
        self._successes = 0
        self._epoch = 0
        self._cond = threading.Condition()

    def acquire(self, give_up: Callable[[], None] | None = None) -> int:
        """Wait for a slot; `give_up` (checked while waiting) may raise to stop waiting."""
        with self._cond:
            while self._in_flight >= self.limit:
                if give_up is not None:
                    give_up()
                self._cond.wait(None if give_up is None else 0.05)
            self._in_flight += 1
            return self._epoch

    def release(self, epoch: int, *, throttled: bool = False) -> None:
        with self._cond:
            self._in_flight -= 1
            if throttled:
                self._successes = 0
                if epoch == self._epoch:
                    self.limit = max(1, self.limit // 2)
                    self._epoch += 1
            else:
                self._successes += 1
                if self._successes >= self.limit and self.limit < self.maximum:
                    self.limit += 1
                    self._successes = 0
            self._cond.notify_all()


class MinuteWindow:
    """A sliding 60-second window holding at most `capacity` units (requests or tokens).

    `acquire` waits on the injected clock until the new amount fits; an amount larger than the
    whole capacity is let through alone so that one big call cannot block forever.
    """

    def __init__(self, capacity: float, clock: Clock) -> None:
        self.capacity = capacity
        self._clock = clock
        self._entries: deque[list[float]] = deque()  # [time, amount]
        self._lock = threading.Lock()

    def acquire(self, amount: float) -> list[float]:
        while True:
            with self._lock:
                now = self._clock.monotonic()
                while self._entries and now - self._entries[0][0] >= WINDOW_S:
                    self._entries.popleft()
                used = sum(e[1] for e in self._entries)
                if not self._entries or used + amount <= self.capacity:
                    entry = [now, amount]
                    self._entries.append(entry)
                    return entry
                wait = WINDOW_S - (now - self._entries[0][0])
            self._clock.sleep(max(wait, 0.001))

    def settle(self, entry: list[float], actual: float) -> None:
        """Replace a reservation's estimate with what the call really used."""
        with self._lock:
            entry[1] = actual
