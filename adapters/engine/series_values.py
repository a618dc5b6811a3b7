"""Values of one numeric field over a block of time points for N series: the model, with state carried on."""

from __future__ import annotations

import math
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
    """Computes a field's values block by block; AR(1) and walk states carry across blocks per series."""

    def __init__(self, f: Field, model: SeriesModel | None, series: int, rng: np.random.Generator) -> None:
        self.field = f
        self.is_default = model is None
        self.model = model if model is not None else default_model(f)
        self.series = series
        m = self.model
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

    def block(self, t_ms: np.ndarray, start_ms: int, rng: np.random.Generator) -> np.ndarray:
        """A (series, points) array of floats (NaN marks a missing value); sets `.anomalies` when labelled."""
        m, n, k = self.model, self.series, t_ms.size
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
                self._ar_state = noise[:, -1].copy()
                x = x + noise
            else:
                x = x + rng.normal(0.0, m.noise_std, (n, k))
        if m.walk_std > 0:
            path = walk(rng.normal(0.0, m.walk_std, (n, k)), self._walk_state)
            self._walk_state = path[:, -1].copy()
            x = x + path
        if m.anomaly_rate > 0:
            hit = rng.random((n, k)) < m.anomaly_rate
            sign = np.where(rng.random((n, k)) < 0.5, -1.0, 1.0)
            x = x + hit * sign * m.anomaly_magnitude
            self.anomalies = hit
        x = self._shape(np.array(x, dtype=np.float64))
        if m.missing > 0:
            x[rng.random((n, k)) < m.missing] = np.nan
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
