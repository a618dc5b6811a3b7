"""FakeClock: a Clock whose sleep advances time instantly, recording every sleep."""

from __future__ import annotations


class FakeClock:
    """Starts at `now` (epoch seconds); `sleep` moves both clocks forward without waiting."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self._now = now
        self._mono = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> float:
        return self._now + self._mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._mono += max(seconds, 0.0)
