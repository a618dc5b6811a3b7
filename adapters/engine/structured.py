"""StructuredGenerator: flat or nested records from a schema, chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from agentic_synth.adapters.engine.records import ColumnEngine, check_uniques
from agentic_synth.domain.generation.generators import OptionSpec
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import Violation, validate_record

DEFAULT_COUNT = 10


class StructuredGenerator:
    """Records whose fields follow the schema: the engine's columnar, seeded generator."""

    type = "structured"
    description = "structured records (tables, JSON documents) from a schema"
    options: tuple[OptionSpec, ...] = ()

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        count = DEFAULT_COUNT if request.count is None else request.count
        fields = request.schema.fields
        check_uniques(fields, count, request.locale)
        engine = ColumnEngine(request.seed, request.locale)
        for chunk_index, offset in enumerate(range(0, count, CHUNK_SIZE)):
            n = min(CHUNK_SIZE, count - offset)
            yield RecordChunk(columns=engine.columns(fields, n, offset, chunk_index), length=n)

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        return validate_record(record, schema)
