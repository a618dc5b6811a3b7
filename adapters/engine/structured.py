"""StructuredGenerator: flat or nested records from a schema, chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from agentic_synth.adapters.engine.records import ColumnEngine, check_uniques
from agentic_synth.domain.generation.generators import OptionSpec
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest
from agentic_synth.domain.generation.shards import chunk_indices, clip, part_range
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import Violation, validate_record

DEFAULT_COUNT = 10


class StructuredGenerator:
    """Records whose fields follow the schema: the engine's columnar, seeded generator."""

    type = "structured"
    description = "structured records (tables, JSON documents) from a schema"
    options: tuple[OptionSpec, ...] = ()
    makes_parts = True  # a request's part (a shard) is made alone, with the records a whole run makes there

    def total(self, request: GenerationRequest) -> int:
        return DEFAULT_COUNT if request.count is None else request.count

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        count = DEFAULT_COUNT if request.count is None else request.count
        fields = request.schema.fields
        check_uniques(fields, count, request.locale)
        engine = ColumnEngine(request.seed, request.locale, capacity=count)
        span = part_range(request.part, count)
        for chunk_index in chunk_indices(span, CHUNK_SIZE):
            offset = chunk_index * CHUNK_SIZE
            n = min(CHUNK_SIZE, count - offset)
            chunk = clip(RecordChunk(columns=engine.columns(fields, n, offset, chunk_index), length=n), offset, span)
            if chunk is not None:
                yield chunk

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        return validate_record(record, schema)
