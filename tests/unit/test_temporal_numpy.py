"""The numpy TemporalAnalyzer: its anti-diagonal DP equals a plain full-table DP, and the metrics behave."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentic_synth.adapters.integrations.temporal_numpy import NumpyTemporalAnalyzer
from agentic_synth.domain.errors import UsageError

series = st.lists(st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False), min_size=1, max_size=25)
coarse = st.lists(st.sampled_from([-0.3, -0.1, 0.0, 0.1, 0.2, 0.25, 1.0]), min_size=1, max_size=25)


def table(a: list[float], b: list[float], cell, edge) -> float:
    """The textbook DP, row by row over the full (n+1) x (m+1) table."""
    n, m = len(a), len(b)
    t = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                t[i][j] = 0 if i == j == 0 else edge(max(i, j))
            else:
                t[i][j] = cell(a[i - 1], b[j - 1], t[i - 1][j], t[i][j - 1], t[i - 1][j - 1])
    return t[n][m]


def plain(a: list[float], b: list[float]) -> tuple[float, int, int]:
    lcs_q = [math.trunc(x * 100) for x in a], [math.trunc(y * 100) for y in b]
    edit_q = [min(255, max(0, math.trunc(x * 10))) for x in a], [min(255, max(0, math.trunc(y * 10))) for y in b]
    dtw = table(a, b, lambda x, y, up, left, corner: abs(x - y) + min(up, left, corner), lambda k: math.inf)
    lcs = table(*lcs_q, lambda x, y, up, left, corner: corner + 1 if x == y else max(up, left), lambda k: 0)
    edit = table(*edit_q, lambda x, y, up, left, corner: min(up + 1, left + 1, corner + (x != y)), lambda k: k)
    return dtw, int(lcs), int(edit)


@settings(max_examples=150, deadline=None)
@given(series, series)
def test_the_wavefront_dp_equals_the_full_table_dp_to_the_bit(a, b):
    got = NumpyTemporalAnalyzer().analyze(a, b)
    assert (got.dtw_distance, got.lcs_length, got.edit_distance) == plain(a, b)


@settings(max_examples=100, deadline=None)
@given(coarse, coarse)
def test_quantised_values_that_repeat_give_the_same_lcs_and_edit_distance_as_the_full_table(a, b):
    got = NumpyTemporalAnalyzer().analyze(a, b)
    assert (got.lcs_length, got.edit_distance) == plain(a, b)[1:]


@settings(max_examples=60, deadline=None)
@given(series, series)
def test_metrics_are_symmetric_zero_on_itself_and_similarity_follows_dtw(a, b):
    analyzer = NumpyTemporalAnalyzer()
    ab, ba, aa = analyzer.analyze(a, b), analyzer.analyze(b, a), analyzer.analyze(a, a)
    assert ab.dtw_distance == ba.dtw_distance and ab.lcs_length == ba.lcs_length
    assert aa.dtw_distance == 0 and aa.edit_distance == 0 and aa.lcs_length == len(a) and aa.similarity == 1.0
    assert ab.similarity == pytest.approx(max(0.0, 1 - ab.dtw_distance / (100 * max(len(a), len(b)))))
    assert 0 <= ab.lcs_length <= min(len(a), len(b)) and abs(len(a) - len(b)) <= ab.edit_distance <= max(len(a), len(b))


def test_a_long_pair_takes_linear_memory_and_a_shifted_copy_warps_to_almost_nothing():
    t = np.linspace(0, 20, 3000)
    got = NumpyTemporalAnalyzer().analyze(np.sin(t), np.sin(t - 0.05))  # the same wave, a few points later
    assert got.dtw_per_point < 0.01 < np.abs(np.sin(t) - np.sin(t - 0.05)).mean()


@pytest.mark.parametrize(("a", "message"), [([], "at least one point"), ([1.0, math.nan], "point 1 is nan"),
                                            ([math.inf], "point 0 is inf")])
def test_empty_or_non_finite_series_are_usage_errors(a, message):
    with pytest.raises(UsageError, match=message):
        NumpyTemporalAnalyzer().analyze(a, [1.0])
