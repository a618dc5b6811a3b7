"""The real midstreamer 0.2.5 (npm, WebAssembly) through the Node bridge, against the numpy reference implementation.

Needs Node.js and `agentic-synth integrations install midstreamer` (`.ci/run` does it and sets
AGENTIC_SYNTH_REQUIRE_MIDSTREAMER=1, which turns the skip into a failure).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from agentic_synth.adapters.integrations.midstreamer import MidstreamerTemporalAnalyzer, unavailable_reason
from agentic_synth.adapters.integrations.temporal_numpy import NumpyTemporalAnalyzer
from agentic_synth.domain.errors import IntegrationError


@pytest.fixture(scope="module")
def bridge():
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("AGENTIC_SYNTH_REQUIRE_MIDSTREAMER"):
            pytest.fail(f"AGENTIC_SYNTH_REQUIRE_MIDSTREAMER is set but {reason}")
        pytest.skip(reason)
    with MidstreamerTemporalAnalyzer() as analyzer:
        yield analyzer


def _pairs(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    pairs = []
    for k in range(count):
        n, m = (int(v) for v in rng.integers(1, 160, 2))
        if k % 3 == 0:
            a, b = rng.normal(20, 5, n), rng.normal(20, 5, m)  # sensor-like values
        elif k % 3 == 1:
            a, b = (rng.integers(-40, 40, n) / 100), (rng.integers(-40, 40, m) / 100)  # many equal quantised values
        else:
            walk = np.cumsum(rng.normal(0, 1, max(n, m)))
            a, b = walk[:n], walk[:m] + rng.normal(0, 0.01, m)  # nearly the same series
        pairs.append((a, b))
    return pairs


def test_the_bridge_and_numpy_agree_to_1e9_on_random_series(bridge):
    numpy = NumpyTemporalAnalyzer()
    for a, b in _pairs(2026, 120):
        ours, theirs = numpy.analyze(a, b), bridge.analyze(a, b)
        assert abs(ours.dtw_distance - theirs.dtw_distance) <= 1e-9
        assert abs(ours.similarity - theirs.similarity) <= 1e-9
        assert (ours.lcs_length, ours.edit_distance, ours.length) == (theirs.lcs_length, theirs.edit_distance,
                                                                        theirs.length)
    assert bridge.version == "0.2.5"


def test_a_bridge_that_dies_is_one_integration_error_and_the_next_call_starts_a_new_one(bridge):
    bridge.analyze([1.0], [2.0])
    assert bridge._process is not None
    bridge._process.kill()
    bridge._process.wait()
    with pytest.raises(IntegrationError, match="midstreamer: the Node bridge stopped"):
        bridge.analyze([1.0, 2.0], [2.0])
    assert bridge.analyze([1.0, 2.0], [2.0]).dtw_distance == 1.0
