"""Poisson arrival times: homogeneous, or shaped by a diurnal profile and random bursts (time rescaling)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from agentic_synth.domain.generation.events import Bursts

_DAY = 86400.0


class ArrivalEdges:
    """Unit-rate arrival times of chunk after chunk, seekable: chunk c starts where the chunks before it end.

    Chunk c's n gaps add up to T_c ~ Gamma(n), drawn from the chunk's own edge stream; U_c, the sum of the
    T_j before it, is a cheap walk over one number per chunk. Inside the chunk, unit exponential gaps are
    scaled to add up to T_c: given their sum, normalised exponential gaps are uniform spacings, independent
    of the sum, so the arrivals are those of one Poisson process, and a shard that starts at chunk c makes
    the bytes a single run makes there.
    """

    def __init__(self, edge_rng: Callable[[int], np.random.Generator], chunk_len: Callable[[int], int]) -> None:
        self._edge_rng = edge_rng
        self._chunk_len = chunk_len
        self._at, self._start = 0, 0.0

    def _total(self, chunk: int) -> float:
        return float(self._edge_rng(chunk).standard_gamma(float(self._chunk_len(chunk))))

    def start_of(self, chunk: int) -> float:
        """U_c: the unit time at which chunk c starts (walks forward only)."""
        if chunk < self._at:
            raise ValueError(f"ArrivalEdges walks forward: chunk {chunk} is behind chunk {self._at}")
        while self._at < chunk:
            self._start += self._total(self._at)
            self._at += 1
        return self._start

    def times(self, chunk: int, gaps: np.ndarray) -> np.ndarray:
        """Unit times of chunk c's arrivals from its unit exponential gaps."""
        start = self.start_of(chunk)
        if not gaps.size:
            return gaps.astype(np.float64)
        total = self._total(chunk)
        cum = np.cumsum(gaps)
        out: np.ndarray = np.minimum(start + total * (cum / cum[-1]), start + total)
        return out


class ArrivalProcess:
    """Turns unit-rate arrival times into arrival times (seconds after the start).

    With a profile or bursts the intensity is piecewise constant; a day at a time its cumulative
    integral is tabulated and unit-rate arrival times are mapped through its inverse, which gives
    an exact non-homogeneous Poisson process.
    """

    def __init__(self, rate: float, start_s: float, *, diurnal: tuple[float, ...] | None = None,
                 bursts: Bursts | None = None, burst_rng: np.random.Generator | None = None) -> None:
        self.rate = rate
        self._base = 0.0  # unit time at the start of the tabulated day
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

    def times(self, unit_times: np.ndarray) -> np.ndarray:
        """Arrival times (seconds after the start) at non-decreasing unit times (across calls too)."""
        if not self._shaped:
            plain: np.ndarray = unit_times / self.rate
            return plain
        local = unit_times + self._u
        out = np.empty_like(local)
        i = 0
        while True:
            end = self._base + self._cum[-1]
            j = int(np.searchsorted(local, end, side="left"))
            out[i:j] = np.interp(local[i:j] - self._base, self._cum, self._xs) + self._x0 - self._offset
            if j >= local.size:
                break
            self._base = end
            self._next_block()
            i = j
        return out
