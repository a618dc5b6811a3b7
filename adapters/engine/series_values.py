"""Values of one numeric field over a block of time points for N series: the model, with state carried on."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from agentic_synth.adapters.engine.processes import ar1, walk
from agentic_synth.domain.generation.timeseries import Seasonality, SeriesModel
from agentic_synth.domain.schema.schema import Field


def _range(f: Field) -> tuple[float, float]:
    lo = float(f.min) if f.min is not None else (float(f.max) - 100 if f.max is not None else 0.0)
    hi = float(f.max) if f.max is not None else lo + 100
    return lo, max(hi, lo + 1e-9)


def default_model(f: Field) -> SeriesModel:
    """Plausible and smooth when the schema gives no model: a daily cycle plus a slow mean-reverting wander."""
    lo, hi = _range(f)
    span = hi - lo
    return SeriesModel(base=(lo + hi) / 2, seasonality=(Seasonality(period=86400, amplitude=0.15 * span),),
                       noise_std=0.08 * span, noise_ar=0.98)


class FieldSeries:
    """Computes a field's values block by block, for any block first: AR(1) and walk states are seekable.

    The states at block edges form their own chain (an AR(1) with coefficient phi**K, a walk with steps of
    variance K * std**2, one draw per block from the block's edge stream), cheap to walk to any block.
    Inside a block the path is drawn from the edge state and pinned to the next edge state (a Gaussian
    bridge: y + w_t * (end - y_K)), which is the exact conditional law, so a shard starting at block b
    gives the bytes a single run gives there.
    """

    def __init__(self, f: Field, model: SeriesModel | None, series: int, rng: np.random.Generator,
                 edge_rng: Callable[[int], np.random.Generator], block_points: int) -> None:
        self.field = f
        self.is_default = model is None
        self.model = model if model is not None else default_model(f)
        self.series = series
        m = self.model
        self._edge_rng = edge_rng
        self._block_points = block_points
        self._at = 0  # the block whose start the states below are at
        self._ar_state = rng.normal(0.0, m.noise_std, series) if m.noise_ar else np.zeros(series)
        self._walk_state = np.zeros(series)
        if self.is_default:  # each series gets its own level and phase
            lo, hi = _range(f)
            span = hi - lo
            self._level = rng.normal(0.0, 0.1 * span, series)
            self._phase = rng.uniform(0.0, 2 * math.pi, series)
        else:
            self._level = np.zeros(series)
            self._phase = np.zeros(series)
        self.anomalies: np.ndarray | None = None

    def _edges(self, block: int, points: int) -> tuple[np.ndarray, np.ndarray]:
        """The AR and walk states at the end of `block` (of `points` points), from those at its start."""
        m = self.model
        ar, walk_end = self._ar_state, self._walk_state
        if not (m.noise_std > 0 and m.noise_ar) and not m.walk_std > 0:
            return ar, walk_end
        z = self._edge_rng(block).normal(0.0, 1.0, (2, self.series))
        if m.noise_std > 0 and m.noise_ar:
            ar = m.noise_ar ** points * ar + m.noise_std * math.sqrt(1 - m.noise_ar ** (2 * points)) * z[0]
        if m.walk_std > 0:
            walk_end = walk_end + m.walk_std * math.sqrt(points) * z[1]
        return ar, walk_end

    def seek(self, block: int) -> None:
        """Walk the edge chain forward to the start of `block` (the blocks before it are whole)."""
        while self._at < block:
            self._ar_state, self._walk_state = self._edges(self._at, self._block_points)
            self._at += 1

    def block(self, t_ms: np.ndarray, start_ms: int, rng: np.random.Generator) -> np.ndarray:
        """The next block: a (series, points) array of floats (NaN marks a missing value); sets `.anomalies`."""
        m, n, k = self.model, self.series, t_ms.size
        ar_end, walk_end = self._edges(self._at, k)
        rel = (t_ms - start_ms) / 1000.0
        x = np.broadcast_to(m.base + m.trend_per_second * rel, (n, k)) + self._level[:, None]
        for s in m.seasonality:
            period_ms = max(1, round(s.period * 1000))
            frac = (t_ms % period_ms) / period_ms  # exact: anchored to the epoch, not the start
            x = x + s.amplitude * np.sin(2 * math.pi * frac[None, :] + s.phase + self._phase[:, None])
        if m.noise_std > 0:
            if m.noise_ar:
                shocks = rng.normal(0.0, m.noise_std * math.sqrt(1 - m.noise_ar ** 2), (n, k))
                noise = ar1(shocks, m.noise_ar, self._ar_state)
                x = x + _pinned(noise, ar_end, _ar_weights(m.noise_ar, k))
            else:
                x = x + rng.normal(0.0, m.noise_std, (n, k))
        if m.walk_std > 0:
            path = walk(rng.normal(0.0, m.walk_std, (n, k)), self._walk_state)
            x = x + _pinned(path, walk_end, np.arange(1, k + 1) / k)
        if m.anomaly_rate > 0:
            hit = rng.random((n, k)) < m.anomaly_rate
            sign = np.where(rng.random((n, k)) < 0.5, -1.0, 1.0)
            x = x + hit * sign * m.anomaly_magnitude
            self.anomalies = hit
        x = self._shape(np.array(x, dtype=np.float64))
        if m.missing > 0:
            x[rng.random((n, k)) < m.missing] = np.nan
        self._ar_state, self._walk_state, self._at = ar_end, walk_end, self._at + 1
        return x

    def _shape(self, x: np.ndarray) -> np.ndarray:
        f = self.field
        if f.min is not None or f.max is not None:
            x = np.clip(x, -np.inf if f.min is None else float(f.min), np.inf if f.max is None else float(f.max))
        if f.type == "integer":
            x = np.rint(x)
        elif f.precision is not None:
            x = np.round(x, f.precision)
        return x


def _ar_weights(phi: float, k: int) -> np.ndarray:
    """Cov(x_t, x_K | x_0) / Var(x_K | x_0) for an AR(1), t = 1..K: how a path is pinned to its end."""
    t = np.arange(1, k + 1, dtype=np.float64)
    weights: np.ndarray = phi ** (k - t) * (1 - phi ** (2 * t)) / (1 - phi ** (2 * k))
    return weights


def _pinned(path: np.ndarray, end: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The bridge: the free path moved so that it ends at `end`, each point by its weight."""
    pinned: np.ndarray = path + weights[None, :] * (end - path[:, -1])[:, None]
    return pinned


def to_column(values: np.ndarray, integer: bool) -> list[object]:
    """Flattened (point-major, series-minor) JSON-ready values; NaN becomes None."""
    flat = values.T.ravel()
    missing = np.isnan(flat)
    out: list[Any] = (flat.astype(np.int64) if integer and not missing.any() else flat).tolist()
    if missing.any():
        out = [None if gap else (int(v) if integer else v) for v, gap in zip(out, missing.tolist(), strict=True)]
    return out


def evolve_nullable(f: Field) -> Field:
    """The field as it appears in the output schema when gaps (nulls) may occur."""
    return f if f.nullable else attrs.evolve(f, nullable=True, null_rate=0.0)
