"""Time-series structure: one point per interval, strictly increasing UTC stamps, series, options and errors."""

from __future__ import annotations

import numpy as np
import pytest

from agentic_synth.adapters.engine.processes import ar1
from agentic_synth.domain.errors import SchemaError, UsageError
from tests.fakes import FakeClock
from tests.unit.series_helpers import columns, epoch_seconds

START = "2025-03-01T00:00:00Z"
SPEC_EXAMPLE = {"timestamp": "datetime", "temperature": {"type": "number", "min": -20, "max": 40}}


@pytest.mark.parametrize(("interval", "seconds"), [("500ms", 0.5), ("1s", 1), ("5m", 300), ("1h", 3600),
                                                   ("1d", 86400)])
def test_there_is_exactly_one_point_per_interval_strictly_increasing(container, interval, seconds):
    cols = columns(container, "timeseries", SPEC_EXAMPLE, interval=interval, count=3000, start=START)
    t = epoch_seconds(cols["timestamp"])
    assert len(t) == 3000 and t[0] == epoch_seconds([START])[0]
    assert np.all(np.diff(t) == seconds)
    assert all(s.endswith("Z") for s in cols["timestamp"])
    assert ("." in cols["timestamp"][1]) == (seconds < 1)


def test_a_duration_gives_the_points_that_fit_in_it_and_a_consistent_count_is_accepted(container):
    assert len(columns(container, "timeseries", SPEC_EXAMPLE, interval="1m", duration="1h", start=START)
               ["timestamp"]) == 60
    assert len(columns(container, "timeseries", SPEC_EXAMPLE, interval="1m", duration="1h", count=60,
                       start=START)["timestamp"]) == 60
    assert len(columns(container, "timeseries", SPEC_EXAMPLE, interval="7m", duration="1h", start=START)
               ["timestamp"]) == 9


def test_the_default_span_is_one_hour_of_one_second_points_starting_now_floored(container):
    clock = FakeClock(now=1_750_000_123.7)
    with container.clock.override(clock):
        container.registry.reset()
        cols = columns(container, "timeseries", SPEC_EXAMPLE, interval="1m")
    assert len(cols["timestamp"]) == 60
    assert epoch_seconds(cols["timestamp"][:1])[0] == 1_750_000_123.7 // 60 * 60


def test_configured_defaults_replace_the_built_in_ones():
    from agentic_synth.adapters.config_file import load_config
    from agentic_synth.entrypoints.container import build_container
    loaded = load_config(payload={"generators": {"timeseries": {"defaultSampleRate": "5m", "defaultDuration": "1d"},
                                                 "events": {"defaultRate": "2/s"}}}, environ={})
    configured = build_container(settings=loaded.settings, load_plugins=False)
    cols = columns(configured, "timeseries", SPEC_EXAMPLE, start=START)
    assert len(cols["timestamp"]) == 288
    events = columns(configured, "events", {"v": "integer"}, count=20_000, start=START)
    assert abs(np.diff(epoch_seconds(events["timestamp"])).mean() - 0.5) < 0.02


def test_n_series_are_interleaved_by_time_each_with_its_own_id_and_its_own_noise(container):
    schema = {"timestamp": "datetime", "v": {"type": "number", "base": 0, "noise": {"std": 1}}}
    cols = columns(container, "timeseries", schema, interval="1m", count=20_000, series=3, start=START)
    assert list(cols) == ["timestamp", "series", "v"]
    assert len(cols["v"]) == 60_000
    assert cols["series"][:6] == [1, 2, 3, 1, 2, 3]
    assert cols["timestamp"][0] == cols["timestamp"][2] != cols["timestamp"][3]
    v = np.array(cols["v"]).reshape(-1, 3)
    assert abs(np.corrcoef(v.T)[0, 1]) < 0.05


def test_an_enum_series_key_names_the_series_and_a_uuid_key_gets_distinct_ids(container):
    schema = {"timestamp": "datetime", "sensor": {"enum": ["north", "south"], "series_key": True}, "v": "number"}
    cols = columns(container, "timeseries", schema, interval="1m", count=10, start=START)
    assert cols["sensor"][:4] == ["north", "south", "north", "south"]
    schema = {"device": {"type": "uuid", "series_key": True}, "v": "number"}
    cols = columns(container, "timeseries", schema, interval="1m", count=10, series=4, start=START)
    assert list(cols) == ["timestamp", "device", "v"] and len(set(cols["device"])) == 4


def test_the_same_seed_gives_the_same_series_and_chunking_does_not_show(container):
    schema = {"timestamp": "datetime", "v": {"type": "number", "noise": {"std": 1, "ar": 0.9},
                                              "walk": {"std": 0.1}}}
    a = columns(container, "timeseries", schema, interval="1s", count=20_000, start=START, seed=4)
    b = columns(container, "timeseries", schema, interval="1s", count=20_000, start=START, seed=4)
    c = columns(container, "timeseries", schema, interval="1s", count=20_000, start=START, seed=5)
    assert a == b and a != c
    steps = np.abs(np.diff(np.array(a["v"])))
    assert steps[8190:8194].max() < 6 * np.median(steps)  # no jump at the chunk boundary (8192)


def test_ar1_filter_matches_the_plain_recursion():
    rng = np.random.default_rng(1)
    e = rng.normal(size=(2, 3000))
    for phi in (0.8, -0.5, 0.999, 1e-6):
        expected = np.empty_like(e)
        prev = np.array([0.3, -1.0])
        for t in range(e.shape[1]):
            prev = phi * prev + e[:, t]
            expected[:, t] = prev
        assert np.allclose(ar1(e, phi, np.array([0.3, -1.0])), expected, atol=1e-9)


@pytest.mark.parametrize(("schema", "options", "message"), [
    (SPEC_EXAMPLE, {"interval": "fast"}, "--interval: 'fast' is not a duration; use a number and a unit: 500ms"),
    (SPEC_EXAMPLE, {"interval": "1m", "duration": "1h", "count": 50}, "--count 50 and --duration disagree"),
    (SPEC_EXAMPLE, {"start": "yesterday"}, "--start: 'yesterday' is not an ISO-8601 date-time"),
    ({"v": {"type": "number", "noise": {"std": 1, "ar": 1.2}}}, {}, "schema: v.noise.ar: must be strictly between"),
    ({"v": {"type": "number", "trend": {"change": 1, "per": "soon"}}}, {}, "schema: v.trend.per: 'soon' is not"),
    ({"v": {"type": "number", "seasonality": [{"period": "1d"}]}}, {}, "schema: v.seasonality[0]: expected"),
    ({"v": {"type": "number", "anomalies": {"rate": 0.1, "magnitude": 3, "label": "v"}}}, {},
     "schema: v.anomalies.label: 'v' must be a boolean field"),
    ({"s": {"enum": ["a", "b"], "series_key": True}, "v": "number"}, {"series": 3}, "--series 3: the series key"),
])
def test_bad_time_series_input_is_refused_with_its_path(container, schema, options, message):
    with pytest.raises((SchemaError, UsageError)) as caught:
        columns(container, "timeseries", schema, start=options.pop("start", START), **options)
    assert message in str(caught.value)
