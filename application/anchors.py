"""Anchors: per-record values the engine draws from the schema, so that every record a model writes is conditioned
differently (diversity by construction, instead of a growing list of values not to reuse).

The engine draws the enum, boolean, numeric, date/time and name fields of each requested record from
the schema's own distributions (weights, bounds, null rates); the prompt gives each record its line of
values and the model writes the rest to fit. The anchors come from one seeded stream, taken in the
order calls are decided, so a replayed run asks the very same questions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from agentic_synth.domain.errors import AgenticSynthError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Field, Schema
from agentic_synth.domain.schema.types import NUMERIC_TYPES, TEMPORAL_TYPES

Expand = Callable[[GenerationRequest], Iterator[RecordChunk]]
ANCHOR_TYPES = frozenset({"enum", "boolean", "first_name", "last_name", "name"}) | NUMERIC_TYPES | TEMPORAL_TYPES
BLOCK = 4096  # anchors drawn per engine run; a longer run draws the next block with the next derived seed


def derived_seed(seed: int, purpose: str, index: int) -> int:
    """A seed for one part of a run (a call, a block of anchors), independent of every other part."""
    text = f"{seed}:{purpose}:{index}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") % 2**31


def anchor_fields(schema: Schema) -> tuple[Field, ...]:
    """The top-level fields the engine draws per record: not unique, not written by the model, no `after`."""
    return tuple(f for f in schema.fields
                 if f.type in ANCHOR_TYPES and not f.unique and not f.after and not f.llm)


class AnchorStream:
    """Rows of anchor values, taken in order; `take(n)` gives the next n (fewer never: the stream is endless)."""

    def __init__(self, expand: Expand, request: GenerationRequest, fields: tuple[Field, ...]) -> None:
        self._expand = expand
        self._request = attrs.evolve(request, schema=Schema(fields=fields), mode="engine", ai=None, count=BLOCK)
        self.names = tuple(f.name for f in fields)
        self._block = 0
        self._rows: Iterator[dict[str, Any]] = iter(())

    @classmethod
    def for_request(cls, expand: Expand | None, request: GenerationRequest) -> AnchorStream | None:
        """Anchors for a structured request whose schema has fields to anchor (None when there are none)."""
        fields = anchor_fields(request.schema)
        if expand is None or not fields or request.kind != "structured":
            return None
        stream = cls(expand, request, fields)
        try:
            stream.take(1)  # the engine cannot make these fields on their own: ask without anchors
        except AgenticSynthError:
            return None
        stream._block = 0
        stream._rows = iter(())
        return stream

    def _draw(self) -> Iterator[dict[str, Any]]:
        seed = derived_seed(self._request.seed, "anchors", self._block)
        self._block += 1
        request = attrs.evolve(self._request, seed=seed)
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
