"""Fast timestamp text: epoch microseconds to ISO-8601 UTC ('...Z'), epoch numbers or strftime."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np

_DAY_MS = 86_400_000
_MAX_CACHED_TIMES = 200_000
_SUFFIX_DIGITS = {"s": 0, "ms": 3, "us": 6}

Unit = Literal["s", "ms", "us"]


def unit_for_interval(interval_ms: int) -> Unit:
    """Whole seconds print as seconds; finer intervals print milliseconds."""
    return "s" if interval_ms % 1000 == 0 else "ms"


def iso_strings(us: np.ndarray, unit: Unit) -> list[str]:
    """ISO-8601 with a trailing Z at the given resolution ('s', 'ms' or 'us')."""
    text = np.datetime_as_string(us.astype("datetime64[us]"), unit=unit, timezone="UTC")
    out: list[str] = text.tolist()
    return out


def format_instants(us: np.ndarray, fmt: str | None, unit: Unit) -> list[Any]:
    """Epoch microseconds in a datetime field's format: ISO (default), epoch, epoch_ms or a strftime pattern."""
    if fmt == "epoch":
        return (us // 1_000_000).tolist() if unit == "s" else (us / 1e6).tolist()
    if fmt == "epoch_ms":
        return (us // 1000).tolist()
    if fmt and "%" in fmt:
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        return [(epoch + dt.timedelta(microseconds=v)).strftime(fmt) for v in us.tolist()]
    return iso_strings(us, unit)


class GridFormatter:
    """ISO text for a regular grid of instants, reusing the time-of-day strings of one day.

    When the interval divides a day, point p's time of day cycles; the cached 'THH:MM:SSZ' texts
    are joined to a per-day date, which is several times faster than formatting each instant.
    """

    def __init__(self, start_us: int, interval_ms: int, fmt: str | None) -> None:
        self.start_us = start_us
        self.interval_ms = interval_ms
        self.fmt = fmt
        self.unit = unit_for_interval(interval_ms)
        self._times: list[str] | None = None
        iso = fmt in (None, "iso")
        per_day = _DAY_MS // interval_ms
        if iso and start_us % 1000 == 0 and _DAY_MS % interval_ms == 0 and per_day <= _MAX_CACHED_TIMES:
            phase_ms = (start_us // 1000) % interval_ms
            day_us = (np.arange(per_day, dtype=np.int64) * interval_ms + phase_ms) * 1000
            self._phase_ms = phase_ms
            self._times = [t[10:] for t in iso_strings(day_us, self.unit)]

    def instants(self, first: int, n: int) -> np.ndarray:
        """Epoch microseconds of points first .. first+n-1."""
        return self.start_us + (np.arange(first, first + n, dtype=np.int64) * self.interval_ms * 1000)

    def strings(self, first: int, n: int) -> list[Any]:
        us = self.instants(first, n)
        if self._times is None:
            return format_instants(us, self.fmt, self.unit)
        ms = us // 1000
        day = ms // _DAY_MS
        slot = (ms - day * _DAY_MS - self._phase_ms) // self.interval_ms
        cuts = (np.flatnonzero(np.diff(day)) + 1).tolist()
        out: list[Any] = []
        for a, b in zip([0, *cuts], [*cuts, n], strict=True):
            date = np.datetime_as_string(np.datetime64(int(day[a]), "D"))
            s0 = int(slot[a])
            out.extend(map(date.__add__, self._times[s0:s0 + (b - a)]))
        return out
