"""StreamCounters: what a stream pipeline delivered to its target in one run (reported in the run's metadata)."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define
class StreamCounters:
    """Records and bytes acknowledged by the target, round trips (batches), retries, and seconds spent waiting."""

    target: str
    records: int = 0
    batches: int = 0
    bytes: int = 0
    retries: int = 0
    seconds: float = 0.0

    def add(self, records: int, size: int, seconds: float) -> None:
        self.records += records
        self.batches += 1
        self.bytes += size
        self.seconds += seconds

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["seconds"] = round(self.seconds, 4)
        return out
