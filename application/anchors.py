"""Anchors: per-record values the engine draws from the schema, so that every record a model writes is conditioned
differently (diversity by construction, instead of a growing list of values not to reuse).

The engine draws the enum, boolean, numeric, date/time and name fields of each requested record from
the schema's own distributions (weights, bounds, null rates); the prompt gives each record its line of
values and the model writes the rest to fit. The anchors come from one seeded stream, taken in the
order calls are decided, so a replayed run asks the very same questions.

Unique fields are anchored too: models number their records 1, 2, 3... in every call, and a unique
value the engine draws is unique by construction. So the stream's blocks are parts of one engine job
of `SPAN` x count records (each block a shard of it): no two anchors of the job share a unique value.
A date that comes `after` another is anchored with it (the engine draws the pair in order), never
alone: the model would have to guess the other's value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from agentic_synth.domain.errors import AgenticSynthError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.shards import RecordRange
from agentic_synth.domain.schema.schema import Field, Schema
from agentic_synth.domain.schema.types import NUMERIC_TYPES, TEMPORAL_TYPES

Expand = Callable[[GenerationRequest], Iterator[RecordChunk]]
ANCHOR_TYPES = frozenset({"enum", "boolean", "first_name", "last_name", "name"}) | NUMERIC_TYPES | TEMPORAL_TYPES
BLOCK = 4096  # anchors drawn per engine run (one shard of the anchor job)
SPAN = 8  # the anchor job holds this many records per record asked for (a run asks ~1 / yield per record)


def derived_seed(seed: int, purpose: str, index: int) -> int:
    """A seed for one part of a run (a call, a block of anchors), independent of every other part."""
    text = f"{seed}:{purpose}:{index}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") % 2**31


def anchor_fields(schema: Schema, *, unique: bool = True) -> tuple[Field, ...]:
    """The top-level fields the engine draws per record: of an anchor type, not written by the model
    (`llm`), an `after` field only with the field it follows; unique ones only when `unique`."""
    chosen = [f for f in schema.fields if f.type in ANCHOR_TYPES and not f.llm and (unique or not f.unique)]
    while True:
        names = {f.name for f in chosen}
        kept = [f for f in chosen if f.after is None or f.after in names]
        if len(kept) == len(chosen):
            return tuple(chosen)
        chosen = kept


class AnchorStream:
    """Rows of anchor values, taken in order; `take(n)` gives the next n (fewer never: the stream is endless)."""

    def __init__(self, expand: Expand, request: GenerationRequest, fields: tuple[Field, ...], total: int) -> None:
        self._expand = expand
        self._request = attrs.evolve(request, schema=Schema(fields=fields), mode="engine", ai=None, count=total,
                                     seed=derived_seed(request.seed, "anchors", 0))
        self.names = tuple(f.name for f in fields)
        self.total = total  # the anchor job's records; past them, blocks with new seeds (unique values may repeat)
        self._block = 0
        self._rows: Iterator[dict[str, Any]] = iter(())

    @classmethod
    def for_request(cls, expand: Expand | None, request: GenerationRequest) -> AnchorStream | None:
        """Anchors for a structured request whose schema has fields to anchor (None when there are none).

        The unique fields are left out when the engine cannot make the job with them (a unique field too
        narrow for `SPAN` x count values, then even for count); no anchors at all when it cannot make the rest."""
        if expand is None or request.kind != "structured":
            return None
        count = max(1, request.count or 1)
        tries = [(anchor_fields(request.schema), SPAN * count), (anchor_fields(request.schema), count),
                 (anchor_fields(request.schema, unique=False), SPAN * count)]
        for fields, total in tries:
            if not fields:
                return None
            stream = cls(expand, request, fields, total)
            try:
                stream.take(1)  # the engine cannot make these fields on their own: try fewer, or no anchors
            except AgenticSynthError:
                continue
            return cls(expand, request, fields, total)
        return None

    def _draw(self) -> Iterator[dict[str, Any]]:
        first = self._block * BLOCK
        self._block += 1
        if first < self.total:
            request = attrs.evolve(self._request, part=RecordRange(first, min(self.total, first + BLOCK)))
        else:
            request = attrs.evolve(self._request, count=BLOCK,
                                   seed=derived_seed(self._request.seed, "anchors", self._block))
        return (row for chunk in self._expand(request) for row in chunk.rows())

    def take(self, n: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while len(out) < n:
            row = next(self._rows, None)
            if row is None:
                self._rows = self._draw()
                continue
            out.append(row)
        return out
