"""Event streams: Poisson arrivals, weights, populations, payloads, diurnal profiles and bursts, fitted back."""

from __future__ import annotations

import numpy as np
import pytest

from agentic_synth.domain.errors import SchemaError, UsageError
from tests.unit.series_helpers import columns, epoch_seconds

START = "2025-03-01T00:00:00Z"
TYPES = {"type": {"enum": ["click", "view", "purchase"], "weights": [0.6, 0.3, 0.1]}}


def test_inter_arrival_times_are_exponential_with_mean_one_over_the_rate(container):
    cols = columns(container, "events", TYPES, count=100_000, rate="100/sec", start=START, seed=5)
    t = epoch_seconds(cols["timestamp"])
    gaps = np.diff(t)
    assert np.all(gaps >= 0)
    assert abs(gaps.mean() - 0.01) / 0.01 < 0.02
    assert abs(gaps.std() / gaps.mean() - 1) < 0.03  # coefficient of variation of an exponential is 1
    assert cols["timestamp"][0].startswith("2025-03-01T00:00:00.") and cols["timestamp"][0].endswith("Z")


def test_enum_weights_are_hit_within_one_percentage_point(container):
    cols = columns(container, "events", TYPES, count=100_000, start=START, seed=9)
    kinds = np.array(cols["type"])
    for value, weight in zip(["click", "view", "purchase"], [0.6, 0.3, 0.1], strict=True):
        assert abs((kinds == value).mean() - weight) < 0.01


def test_per_type_payload_fields_appear_only_on_their_type(container):
    schema = {"type": {**TYPES["type"], "payloads": {
        "purchase": {"amount": {"type": "number", "min": 1, "max": 500}},
        "view": {"page": {"enum": ["/", "/pricing"]}}}}}
    cols = columns(container, "events", schema, count=5000, start=START)
    assert list(cols) == ["timestamp", "type", "amount", "page"]
    for kind, amount, page in zip(cols["type"], cols["amount"], cols["page"], strict=True):
        assert (amount is not None) == (kind == "purchase")
        assert (page is not None) == (kind == "view")
        assert amount is None or 1 <= amount <= 500


def test_a_population_field_reuses_a_fixed_set_of_entities_with_zipf_popularity(container):
    schema = {**TYPES, "user_id": {"type": "uuid", "population": 200, "skew": 1.0}}
    cols = columns(container, "events", schema, count=100_000, start=START)
    _, counts = np.unique(np.array(cols["user_id"]), return_counts=True)
    assert len(counts) == 200
    harmonic = sum(1 / k for k in range(1, 201))
    top = np.sort(counts)[::-1] / 100_000
    assert abs(top[0] - 1 / harmonic) < 0.01  # the most popular entity has share 1/H(200)
    assert abs(top[1] - 0.5 / harmonic) < 0.01


def test_a_diurnal_profile_shapes_the_hourly_counts(container):
    profile = [1.0] * 12 + [3.0] * 12  # afternoons three times busier
    cols = columns(container, "events", {"v": "integer"}, duration="5d", rate="0.2/sec", diurnal=profile,
                   start=START)
    hours = (epoch_seconds(cols["timestamp"]) // 3600 % 24).astype(int)
    share = np.bincount(hours, minlength=24)
    assert abs(share[12:].sum() / share.sum() - 0.75) < 0.01
    gaps = np.diff(epoch_seconds(cols["timestamp"]))
    assert abs(gaps.mean() - 5.0) / 5.0 < 0.02  # --rate stays the daily average


def test_bursts_add_the_expected_excess_of_events(container):
    # bursts start at 2/hour and last 3 minutes: they cover 1 - exp(-0.1) of the time, at 8x the rate
    bursts = {"rate": "2/hour", "duration": "3m", "factor": 8}
    cols = columns(container, "events", {"v": "integer"}, duration="20d", rate="0.1/s", bursts=bursts, start=START)
    coverage = 1 - np.exp(-0.1)
    expected = 0.1 * 20 * 86400 * (1 + 7 * coverage)
    assert abs(len(cols["v"]) - expected) / expected < 0.06
    t = epoch_seconds(cols["timestamp"]) - epoch_seconds([START])[0]
    per_minute = np.bincount((t // 60).astype(np.int64))
    assert per_minute.max() >= 20  # a burst minute; the base rate gives 6 per minute


def test_a_duration_fills_the_span_and_nothing_lies_beyond_it(container):
    cols = columns(container, "events", {"v": "integer"}, duration="10m", rate="50/s", start=START)
    t = epoch_seconds(cols["timestamp"]) - epoch_seconds([START])[0]
    assert t.max() < 600 and abs(len(t) - 30_000) < 4 * np.sqrt(30_000)


@pytest.mark.parametrize(("schema", "options", "message"), [
    ({"type": {"enum": ["a"], "payloads": {"b": {"x": "integer"}}}}, {}, "type.payloads: 'b' is not one of"),
    ({"u": {"type": "integer", "min": 1, "max": 5, "population": 10}}, {}, "at most 5 distinct values"),
    ({"u": {"type": "uuid", "skew": 2}}, {}, "'skew' needs 'population'"),
    ({"v": "integer"}, {"rate": "fast"}, "--rate: 'fast' is not a rate; use a number per unit: 100/sec"),
    ({"v": "integer"}, {"diurnal": [1, 2]}, "diurnal: [1, 2] is not a profile"),
    ({"v": "integer"}, {"bursts": {"rate": "1/h"}}, "bursts: expected"),
    ({"v": "integer"}, {"duration": "1h", "count": 5}, "events take --count or --duration, not both"),
])
def test_bad_event_options_are_refused_before_any_record(container, schema, options, message):
    with pytest.raises((SchemaError, UsageError), match=None) as caught:
        columns(container, "events", schema, start=START, **options)
    assert message in str(caught.value)
