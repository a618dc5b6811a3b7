"""The time-series parameters a user asks for can be fitted back out of the output."""

from __future__ import annotations

import numpy as np

from tests.unit.series_helpers import columns, epoch_seconds, lag1

DAY = 86400.0
START = "2025-03-01T00:00:00Z"


def _design(t: np.ndarray, periods: list[float]) -> np.ndarray:
    cols = [np.ones_like(t), t / DAY]
    for p in periods:
        cols += [np.sin(2 * np.pi * t / p), np.cos(2 * np.pi * t / p)]
    return np.column_stack(cols)


def _fit(t: np.ndarray, y: np.ndarray, periods: list[float]) -> tuple[np.ndarray, np.ndarray]:
    coef, *_ = np.linalg.lstsq(_design(t, periods), y, rcond=None)
    return coef, y - _design(t, periods) @ coef


def _best_period(t: np.ndarray, y: np.ndarray, periods: list[float], which: int) -> float:
    """Scan one period (the others fixed) for the least residual sum of squares: coarse, then fine."""
    centre, width = periods[which], 0.25
    for _ in range(3):
        best = (np.inf, centre)
        for p in np.linspace(centre * (1 - width), centre * (1 + width), 21):
            trial = [*periods[:which], p, *periods[which + 1:]]
            best = min(best, (float(np.sum(_fit(t, y, trial)[1] ** 2)), p))
        centre, width = best[1], width / 8
    return centre


def test_trend_amplitudes_periods_and_noise_of_30_days_of_minute_data_are_recovered(container):
    schema = {"timestamp": "datetime", "temperature": {
        "type": "number", "base": 20, "trend": {"change": 1.5, "per": "1d"},
        "seasonality": [{"period": "1d", "amplitude": 5}, {"period": "7d", "amplitude": 2, "phase": 1.0}],
        "noise": {"std": 0.5}}}
    cols = columns(container, "timeseries", schema, interval="1m", duration="30d", start=START, seed=11)
    t = epoch_seconds(cols["timestamp"])
    y = np.array(cols["temperature"])
    assert len(y) == 30 * 1440
    periods = [DAY * 0.85, 7 * DAY * 1.15]  # the search starts well away from the truth
    sub_t, sub_y = t[::10], y[::10]
    for _ in range(2):
        periods[0] = _best_period(sub_t, sub_y, periods, 0)
        periods[1] = _best_period(sub_t, sub_y, periods, 1)
    coef, residual = _fit(t, y, periods)
    amplitudes = [float(np.hypot(coef[2 + 2 * i], coef[3 + 2 * i])) for i in range(2)]
    assert abs(coef[1] - 1.5) / 1.5 < 0.05
    assert abs(periods[0] - DAY) / DAY < 0.05 and abs(periods[1] - 7 * DAY) / (7 * DAY) < 0.05
    assert abs(amplitudes[0] - 5) / 5 < 0.05 and abs(amplitudes[1] - 2) / 2 < 0.05
    assert abs(residual.std() - 0.5) / 0.5 < 0.10
    assert abs(lag1(residual)) < 0.05  # white noise: no autocorrelation left


def test_ar1_noise_has_the_asked_lag1_autocorrelation_and_std(container):
    schema = {"timestamp": "datetime", "load": {"type": "number", "base": 50, "trend": {"change": -2, "per": "1d"},
                                                 "noise": {"std": 0.5, "ar": 0.8}}}
    cols = columns(container, "timeseries", schema, interval="1m", duration="30d", start=START, seed=3)
    t = epoch_seconds(cols["timestamp"])
    _, residual = _fit(t, np.array(cols["load"]), [])
    assert abs(lag1(residual) - 0.8) < 0.05
    assert abs(residual.std() - 0.5) / 0.5 < 0.10


def test_a_random_walk_has_independent_steps_of_the_asked_std(container):
    schema = {"timestamp": "datetime", "price": {"type": "number", "base": 100, "walk": {"std": 0.1}}}
    cols = columns(container, "timeseries", schema, interval="1s", count=50_000, start=START)
    steps = np.diff(np.array(cols["price"]))
    assert abs(steps.std() - 0.1) / 0.1 < 0.05
    assert abs(lag1(steps)) < 0.05
    assert cols["price"][0] != cols["price"][-1]


def test_anomalies_occur_at_their_rate_with_their_magnitude_and_are_labelled(container):
    schema = {"timestamp": "datetime", "v": {"type": "number", "base": 10,
                                              "anomalies": {"rate": 0.01, "magnitude": 6, "label": "is_anomaly"}}}
    cols = columns(container, "timeseries", schema, interval="1s", count=100_000, start=START)
    v, label = np.array(cols["v"]), np.array(cols["is_anomaly"])
    assert set(cols["is_anomaly"]) == {True, False}
    assert abs(label.mean() - 0.01) < 0.002
    assert np.all(np.isclose(np.abs(v[label] - 10), 6)) and np.all(v[~label] == 10)


def test_missing_values_are_nulls_at_the_asked_rate(container):
    schema = {"timestamp": "datetime", "v": {"type": "number", "base": 1, "noise": {"std": 1}, "missing": 0.05}}
    cols = columns(container, "timeseries", schema, interval="1s", count=40_000, start=START)
    gaps = np.array([x is None for x in cols["v"]])
    assert abs(gaps.mean() - 0.05) < 0.005


def test_min_and_max_clip_and_integer_fields_are_whole_numbers(container):
    schema = {"timestamp": "datetime", "pct": {"type": "integer", "min": 0, "max": 100, "base": 95,
                                                "noise": {"std": 10}}}
    cols = columns(container, "timeseries", schema, interval="1m", count=5000, start=START)
    pct = cols["pct"]
    assert all(isinstance(x, int) and 0 <= x <= 100 for x in pct)
    assert pct.count(100) > 500  # clipped at the top, not redrawn


def test_without_a_model_values_are_smooth_and_stay_within_bounds(container):
    schema = {"timestamp": "datetime", "temperature": {"type": "number", "min": -20, "max": 40},
              "humidity": {"type": "number", "min": 0, "max": 100}}
    cols = columns(container, "timeseries", schema, interval="1m", count=10_000, start=START)
    for name, (lo, hi) in {"temperature": (-20, 40), "humidity": (0, 100)}.items():
        x = np.array(cols[name])
        assert x.min() >= lo and x.max() <= hi
        assert lag1(x) > 0.9  # independent uniform draws would give about 0
        assert np.abs(np.diff(x)).mean() < 0.05 * (hi - lo)
        assert x.std() > 0.02 * (hi - lo)  # but not a flat line
