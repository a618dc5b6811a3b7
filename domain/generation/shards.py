"""Shards of a job: `--shard I/N` as an index range of its records, and a job's split into part files."""

from __future__ import annotations

import itertools
import re
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
PART_RECORDS = 1 << 20  # a part file of a sharded job holds about this many records (whole chunks)


@attrs.frozen
class RecordRange:
    """Records start .. stop - 1 of a job (the job's own numbering: 0 is its first record)."""

    start: int
    stop: int

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start <= self.stop:
            raise UsageError(f"record range {self.start}..{self.stop} is not a range")

    def __len__(self) -> int:
        return self.stop - self.start


@attrs.frozen
class Shard:
    """Shard `index` of `count` equal index ranges of a job."""

    index: int
    count: int

    @classmethod
    def parse(cls, value: Any, what: str = "--shard") -> Shard:
        """'I/N' (0 <= I < N), or an (I, N) pair."""
        if isinstance(value, Shard):
            return value
        if isinstance(value, tuple | list) and len(value) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            index, count = value
        else:
            match = _SHARD.match(value) if isinstance(value, str) else None
            if match is None:
                raise UsageError(f"{what}: expected I/N (shard I of N, counted from 0), got {value!r}")
            index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 0 <= index < count:
            raise UsageError(f"{what}: shard {index}/{count}: N must be >= 1 and I in 0..N-1")
        return cls(index, count)

    def range_of(self, total: int) -> RecordRange:
        """This shard's records: index range I of N equal ranges of `total` (sizes differ by at most one)."""
        return RecordRange(self.index * total // self.count, (self.index + 1) * total // self.count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def as_part(shard: Any) -> Shard | RecordRange | None:
    """`shard=` as given: None, a Shard, an (i, n) pair or "i/n", or a record range (a part file's)."""
    if shard is None or isinstance(shard, RecordRange):
        return shard
    return Shard.parse(shard, "shard")


def starts_the_job(part: Shard | RecordRange | None) -> bool:
    """Whether a part holds the job's first record (a CSV part then has the header row)."""
    return part is None or (part.index == 0 if isinstance(part, Shard) else part.start == 0)


def part_range(part: Shard | RecordRange | None, total: int) -> RecordRange:
    """The records a request's part stands for, within a job of `total` records."""
    if part is None:
        return RecordRange(0, total)
    if isinstance(part, Shard):
        return part.range_of(total)
    return RecordRange(min(part.start, total), min(part.stop, total))


def clip(chunk: RecordChunk, first: int, span: RecordRange) -> RecordChunk | None:
    """The records of a chunk (whose first record is number `first`) that fall in `span`, or None."""
    a, b = max(span.start - first, 0), min(span.stop - first, chunk.length)
    if a >= b:
        return None
    if a == 0 and b == chunk.length:
        return chunk
    return RecordChunk(columns={k: v[a:b] for k, v in chunk.columns.items()}, length=b - a)


def chunk_indices(span: RecordRange, size: int) -> range:
    """The chunks of `size` records that hold part of `span`."""
    return range(span.start // size, -(-span.stop // size)) if len(span) else range(0)


def split(total: int, parts: int, align: int) -> list[RecordRange]:
    """`parts` consecutive ranges covering 0 .. total, their edges on multiples of `align` where possible."""
    if total <= 0 or parts <= 1:
        return [RecordRange(0, max(total, 0))]
    units = -(-total // align)
    parts = min(parts, units)
    edges = [min(total, (i * units // parts) * align) for i in range(parts)] + [total]
    return [RecordRange(a, b) for a, b in itertools.pairwise(edges)]


def parts_for(total: int, workers: int, align: int, part_records: int = PART_RECORDS) -> int:
    """How many parts a job of `total` records is split into: enough for every worker, about a million each."""
    return max(1, workers, -(-total // part_records)) if total > 0 else 1
