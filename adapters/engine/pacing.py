"""Real-time pacing: release records when the wall clock reaches their time (for --realtime load tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.ports import Clock

MAX_SLEEP = 0.25  # seconds; short sleeps keep Ctrl-C responsive


def _part(chunk: RecordChunk, start: int, end: int) -> RecordChunk:
    if start == 0 and end == chunk.length:
        return chunk
    return RecordChunk(columns={k: v[start:end] for k, v in chunk.columns.items()}, length=end - start,
                       sparse=chunk.sparse)


def paced(timed: Iterable[tuple[RecordChunk, np.ndarray]], clock: Clock) -> Iterator[RecordChunk]:
    """Yield each chunk in pieces, a record once `clock.monotonic()` has advanced its due seconds.

    `timed` gives chunks with their records' due times (seconds after the first record, non-decreasing).
    """
    origin = clock.monotonic()
    for chunk, due in timed:
        pos = 0
        while pos < chunk.length:
            elapsed = clock.monotonic() - origin
            end = int(np.searchsorted(due, elapsed, side="right"))
            if end > pos:
                yield _part(chunk, pos, end)
                pos = end
            else:
                clock.sleep(min(float(due[pos]) - elapsed, MAX_SLEEP))
