"""SystemClock: the real clock."""

from __future__ import annotations

import time


class SystemClock:
    """time.monotonic, time.time and time.sleep."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
