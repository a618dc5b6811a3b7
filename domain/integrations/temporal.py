"""TemporalMetrics: how alike two series are, in midstreamer's terms (DTW, LCS, edit distance, similarity score)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError

# midstreamer 0.2.5 (TemporalCompare.analyze) compares values quantised this way before LCS and edit distance
LCS_SCALE = 100  # LCS: values equal when trunc(x * 100) agree (as 32-bit integers)
EDIT_SCALE = 10  # edit distance: symbols trunc(x * 10), saturated to 0..255
SIMILARITY_SCALE = 100.0  # similarity = max(0, 1 - dtw / (100 * the longer length))


@attrs.frozen
class TemporalMetrics:
    """The comparison of series `a` with series `b`.

    `dtw_distance`: dynamic time warping with |a_i - b_j| as the cost of a step (0 for equal series);
    `lcs_length` and `edit_distance`: over the quantised values (see LCS_SCALE, EDIT_SCALE);
    `similarity`: midstreamer's similarity score, 1 - dtw / (100 * max(len a, len b)), at least 0.
    """

    dtw_distance: float
    lcs_length: int
    edit_distance: int
    similarity: float
    length: int  # the longer of the two lengths

    @property
    def dtw_per_point(self) -> float:
        return self.dtw_distance / self.length

    @property
    def lcs_ratio(self) -> float:
        return self.lcs_length / self.length

    def to_dict(self) -> dict[str, Any]:
        return {"dtw_distance": self.dtw_distance, "dtw_per_point": self.dtw_per_point,
                "similarity": self.similarity, "lcs_length": self.lcs_length, "lcs_ratio": self.lcs_ratio,
                "edit_distance": self.edit_distance, "points": self.length}


def similarity_score(dtw: float, longer: int) -> float:
    """midstreamer's similarity score from a DTW distance and the longer series' length."""
    return max(0.0, 1.0 - dtw / (longer * SIMILARITY_SCALE))


def checked_series(values: Sequence[float], what: str) -> list[float]:
    """A non-empty series of finite numbers (NaN and infinities make every metric meaningless)."""
    out = [float(v) for v in values]
    if not out:
        raise UsageError(f"{what}: a series needs at least one point")
    bad = next((i for i, v in enumerate(out) if not math.isfinite(v)), None)
    if bad is not None:
        raise UsageError(f"{what}: point {bad} is {out[bad]}, not a finite number")
    return out
