"""Text pieces laid end to end (adapters/columns/text.py) are exactly the bytes Python's slicing and joining give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agentic_synth.adapters.columns.text import concat, gather


@st.composite
def _pieces(draw):
    n = draw(st.integers(0, 12))
    pieces = []
    for _ in range(draw(st.integers(1, 5))):
        source = draw(st.binary(max_size=20))
        rows = []
        for _ in range(n):
            start = draw(st.integers(0, len(source)))
            rows.append((start, draw(st.integers(0, len(source) - start))))
        pieces.append((source, rows))
    return n, pieces


def _arrays(pieces):
    return [(np.frombuffer(source, dtype=np.uint8), np.array([s for s, _ in rows], dtype=np.int64),
             np.array([length for _, length in rows], dtype=np.int64)) for source, rows in pieces]


@settings(max_examples=200, deadline=None)
@given(_pieces())
def test_concat_lays_each_rows_slices_side_by_side_as_python_would(case):
    n, pieces = case
    data, offsets = concat(_arrays(pieces), n)
    expected = [b"".join(source[rows[i][0]:sum(rows[i])] for source, rows in pieces) for i in range(n)]
    assert data.tobytes() == b"".join(expected)
    assert offsets.tolist() == [0, *np.cumsum([len(e) for e in expected]).tolist()]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=30), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 30)), max_size=20))
def test_gather_copies_every_segment_in_order_and_skips_the_empty_ones(source, segments):
    segments = [(min(s, len(source) - 1), min(length, len(source) - min(s, len(source) - 1))) for s, length in segments]
    starts = np.array([s for s, _ in segments], dtype=np.int64)
    lengths = np.array([length for _, length in segments], dtype=np.int64)
    out = gather(np.frombuffer(source, dtype=np.uint8), starts, lengths, int(lengths.sum()))
    assert out.tobytes() == b"".join(source[s:s + length] for s, length in segments)
