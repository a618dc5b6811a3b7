"""StructuredGenerator: flat or nested records from a schema, chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from agentic_synth.adapters.engine.records import ColumnEngine, check_uniques, json_schema_checks
from agentic_synth.domain.generation.generators import OptionSpec
from agentic_synth.domain.generation.records import MISSING, RecordChunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest
from agentic_synth.domain.generation.shards import chunk_indices, clip, part_range
from agentic_synth.domain.schema.json_schema import simple_root
from agentic_synth.domain.schema.limits import check_chunk
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

    def prepare(self, request: GenerationRequest) -> GenerationRequest:
        """A unique field whose value space is smaller than the count, or records whose chunk would pass the memory
        budget (domain/schema/limits.py), are refused here, before any output."""
        count = DEFAULT_COUNT if request.count is None else request.count
        check_uniques(request.schema.fields, count, request.locale)
        span = part_range(request.part, count)
        check_chunk(request.schema.fields, min(span.stop - span.start, CHUNK_SIZE))
        return request

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        count = DEFAULT_COUNT if request.count is None else request.count
        schema = request.schema
        fields = schema.fields
        check_uniques(fields, count, request.locale)
        engine = ColumnEngine(request.seed, request.locale, json_schema_checks(schema), capacity=count)
        whole = schema.root is not None and not simple_root(schema.root)
        span = part_range(request.part, count)
        for chunk_index in chunk_indices(span, CHUNK_SIZE):
            offset = chunk_index * CHUNK_SIZE
            n = min(CHUNK_SIZE, count - offset)
            if whole:  # records differ in shape (a union, optional keys, a check on the record): made whole
                assert schema.root is not None
                rows = engine.column(schema.root, n, offset, chunk_index, "", {})
                columns = {f.name: [r.get(f.name, MISSING) for r in rows] for f in fields}
                made = RecordChunk(columns=columns, length=n, sparse=True)
            else:
                made = RecordChunk(columns=engine.columns(fields, n, offset, chunk_index), length=n)
            chunk = clip(made, offset, span)
            if chunk is not None:
                yield chunk

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        if schema.source is None:
            return validate_record(record, schema)
        from agentic_synth.adapters.jsonschema_checks import JsonSchemaChecks

        checks = JsonSchemaChecks(schema.source)
        return [Violation(path, message) for path, message in checks.record_errors(record)]
