"""Poisson arrival times: homogeneous, or shaped by a diurnal profile and random bursts (time rescaling)."""

from __future__ import annotations

import numpy as np

from agentic_synth.domain.generation.events import Bursts

_DAY = 86400.0


class ArrivalProcess:
    """Turns unit-rate exponential gaps into arrival times (seconds after the start).

    With a profile or bursts the intensity is piecewise constant; a day at a time its cumulative
    integral is tabulated and unit-rate arrival times are mapped through its inverse, which gives
    an exact non-homogeneous Poisson process.
    """

    def __init__(self, rate: float, start_s: float, *, diurnal: tuple[float, ...] | None = None,
                 bursts: Bursts | None = None, burst_rng: np.random.Generator | None = None) -> None:
        self.rate = rate
        self._last = 0.0
        self._shaped = diurnal is not None or bursts is not None
        if not self._shaped:
            return
        self._profile = np.asarray(diurnal if diurnal is not None else (1.0,) * 24)
        self._bursts = bursts
        self._burst_rng = burst_rng if burst_rng is not None else np.random.default_rng(0)
        day0 = np.floor(start_s / _DAY) * _DAY
        self._offset = start_s - day0  # start, in seconds after the first block's midnight
        self._spans: list[tuple[float, float]] = []
        self._next_burst = self._offset + (self._gap() if bursts is not None else np.inf)
        self._block = -1
        self._next_block()
        self._u = float(np.interp(self._offset - self._x0, self._xs, self._cum))

    def _gap(self) -> float:
        assert self._bursts is not None
        return float(self._burst_rng.exponential(1.0 / self._bursts.rate))

    def _next_block(self) -> None:
        self._block += 1
        lo, hi = self._block * _DAY, (self._block + 1) * _DAY
        while self._next_burst < hi:
            assert self._bursts is not None
            self._spans.append((self._next_burst, self._next_burst + self._bursts.duration))
            self._next_burst += self._gap()
        self._spans = [(a, b) for a, b in self._spans if b > lo]
        edges = [lo + 3600.0 * h for h in range(25)]
        edges += [x for a, b in self._spans for x in (a, b) if lo < x < hi]
        xs = np.unique(np.asarray(edges))
        mid = (xs[:-1] + xs[1:]) / 2
        intensity = self.rate * self._profile[((mid - lo) // 3600).astype(np.int64)]
        if self._spans and self._bursts is not None:
            starts = np.array([a for a, _ in self._spans])[:, None]
            ends = np.array([b for _, b in self._spans])[:, None]
            inside = ((starts <= mid) & (mid < ends)).any(axis=0)
            intensity = np.where(inside, intensity * self._bursts.factor, intensity)
        self._x0 = lo
        self._xs = xs - lo
        self._cum = np.concatenate(([0.0], np.cumsum(intensity * np.diff(xs))))

    def times(self, unit_gaps: np.ndarray) -> np.ndarray:
        """Arrival times (seconds after the start) of the next len(unit_gaps) events."""
        if not self._shaped:
            out: np.ndarray = self._last + np.cumsum(unit_gaps) / self.rate
        else:
            target = self._u + np.cumsum(unit_gaps)
            out = np.empty_like(target)
            i = 0
            while True:
                total = self._cum[-1]
                j = int(np.searchsorted(target, total, side="left"))
                out[i:j] = np.interp(target[i:j], self._cum, self._xs) + self._x0 - self._offset
                if j >= target.size:
                    break
                target[j:] -= total
                self._next_block()
                i = j
            self._u = float(target[-1]) if target.size else self._u
        if out.size:
            self._last = float(out[-1])
        return out
