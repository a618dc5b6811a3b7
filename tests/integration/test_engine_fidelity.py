"""Data fidelity: the declared weights, null rates, distributions, ranges and precision, fitted back."""

from __future__ import annotations

import collections
import re

import numpy as np
import pytest

from tests.integration.engine_run import column, records

BIG = 100_000


def test_enum_weights_hold_within_one_percentage_point_over_100k_records() -> None:
    values = column({"plan": {"enum": ["free", "pro", "team", "enterprise"], "weights": [60, 25, 10, 5]}},
                    BIG, "plan")
    share = {k: v / BIG for k, v in collections.Counter(values).items()}
    for name, expected in (("free", 0.60), ("pro", 0.25), ("team", 0.10), ("enterprise", 0.05)):
        assert abs(share[name] - expected) < 0.01, share


def test_null_rate_holds_within_one_percentage_point_and_non_nullable_fields_are_never_null() -> None:
    rows = records({"a": {"type": "integer", "null_rate": 0.3}, "b": {"type": "email", "nullable": True},
                    "c": "name"}, BIG)
    assert abs(sum(r["a"] is None for r in rows) / BIG - 0.3) < 0.01
    assert abs(sum(r["b"] is None for r in rows) / BIG - 0.1) < 0.01  # `nullable` alone means 10 %
    assert not any(r["c"] is None for r in rows)


def test_a_normal_distribution_is_fitted_back_to_its_mean_and_std() -> None:
    x = np.array(column({"v": {"type": "number", "min": -1000, "max": 1000,
                               "distribution": {"kind": "normal", "mean": 50, "std": 10}}}, BIG, "v"))
    assert abs(x.mean() - 50) < 0.2 and abs(x.std() - 10) < 0.2


def test_a_lognormal_distribution_has_the_declared_parameters_on_the_log_scale() -> None:
    x = np.array(column({"v": {"type": "number", "min": 0, "max": 1e9,
                               "distribution": {"kind": "lognormal", "mean": 1.0, "sigma": 0.5}}}, BIG, "v"))
    logs = np.log(x)
    assert abs(logs.mean() - 1.0) < 0.02 and abs(logs.std() - 0.5) < 0.02


def test_an_exponential_distribution_starts_at_min_with_the_declared_scale() -> None:
    x = np.array(column({"v": {"type": "number", "min": 10, "max": 1e6,
                               "distribution": {"kind": "exponential", "scale": 5}}}, BIG, "v"))
    assert x.min() >= 10 and abs((x - 10).mean() - 5) < 0.1 and abs(np.median(x - 10) - 5 * np.log(2)) < 0.1


def test_a_poisson_integer_has_mean_and_variance_lambda() -> None:
    x = np.array(column({"v": {"type": "integer", "min": 0, "max": 1000,
                               "distribution": {"kind": "poisson", "lam": 4}}}, BIG, "v"))
    assert x.dtype.kind == "i" and abs(x.mean() - 4) < 0.05 and abs(x.var() - 4) < 0.1


def test_a_distribution_is_clipped_to_min_and_max() -> None:
    x = np.array(column({"v": {"type": "number", "min": 45, "max": 55,
                               "distribution": {"kind": "normal", "mean": 50, "std": 10}}}, BIG, "v"))
    assert x.min() >= 45 and x.max() <= 55
    assert (x == 45).mean() > 0.25  # about P(z < -0.5) ≈ 31 % piles up on the bound


def test_uniform_integers_cover_the_range_evenly() -> None:
    counts = collections.Counter(column({"die": {"type": "integer", "min": 1, "max": 6}}, BIG, "die"))
    assert sorted(counts) == [1, 2, 3, 4, 5, 6]
    assert all(abs(c / BIG - 1 / 6) < 0.01 for c in counts.values())


@pytest.mark.parametrize(("spec", "decimals"), [
    ({"type": "number", "min": -3.5, "max": 7.25, "precision": 2}, 2),
    ({"type": "number", "min": 0, "max": 1, "precision": 0}, 0),
    ({"type": "amount", "min": 5, "max": 10}, 2),
    ({"type": "latitude", "precision": 3}, 3),
    ({"type": "number", "min": 0, "max": 1, "exclusiveMinimum": True, "exclusiveMaximum": True, "precision": 1}, 1),
])
def test_ranges_and_precision_are_respected_and_the_range_is_used(spec, decimals) -> None:
    x = np.array(column({"v": spec}, 20_000, "v"))
    lo, hi = spec.get("min", -90), spec.get("max", 90)
    if spec.get("exclusiveMinimum"):
        assert x.min() > lo and x.max() < hi
    else:
        assert x.min() >= lo and x.max() <= hi
    assert np.all(np.round(x, decimals) == x)
    assert x.max() - x.min() > 0.9 * (hi - lo) - 2 * 10.0 ** -decimals


def test_datetime_and_date_bounds_and_formats_are_respected() -> None:
    rows = records({"ts": {"type": "datetime", "min": "2020-02-01T00:00:00Z", "max": "2020-02-02T00:00:00Z"},
                    "ep": {"type": "datetime", "format": "epoch", "min": "2020-01-01T00:00:00Z",
                           "max": "2020-12-31T00:00:00Z"},
                    "ms": {"type": "datetime", "format": "epoch_ms"},
                    "txt": {"type": "datetime", "format": "%d/%m/%Y", "min": "2021-03-01T00:00:00Z",
                            "max": "2021-03-31T23:59:59Z"},
                    "d": {"type": "date", "min": "1999-12-30", "max": "2000-01-02"},
                    "t": {"type": "time", "min": "09:00:00", "max": "17:00:00"}}, 5000)
    assert all("2020-02-01T00:00:00Z" <= r["ts"] <= "2020-02-02T00:00:00Z" for r in rows)
    assert all(1577836800 <= r["ep"] <= 1609372800 and isinstance(r["ep"], int) for r in rows)
    assert all(r["ms"] % 1000 == 0 and r["ms"] > 10**12 for r in rows)
    assert {r["txt"][2:] for r in rows} == {"/03/2021"}
    assert {r["d"] for r in rows} == {"1999-12-30", "1999-12-31", "2000-01-01", "2000-01-02"}
    assert all("09:00:00" <= r["t"] <= "17:00:00" for r in rows)


def test_a_pattern_produces_matching_values_with_variety() -> None:
    pattern = r"^[A-Z]{3}-\d{4}-(EU|US)$"
    values = column({"code": {"type": "string", "pattern": pattern}}, 5000, "code")
    assert all(re.fullmatch(pattern, v) for v in values)
    assert len(set(values)) > 4900 and {v[-2:] for v in values} == {"EU", "US"}


def test_boolean_probability_and_token_length_are_honoured() -> None:
    rows = records({"b": {"type": "boolean", "probability": 0.9}, "t": {"type": "token", "length": 20}}, BIG)
    assert abs(sum(r["b"] for r in rows) / BIG - 0.9) < 0.01
    assert {len(r["t"]) for r in rows} == {20}
