"""The SDK end to end: generate, streams, async, files, custom sinks, custom generators, silence."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from loguru import logger

from agentic_synth import AgenticSynth, CustomGenerator, GenerationRequest, RecordChunk, Schema, SchemaError
from agentic_synth.domain.schema.validation import RecordValidator

SCHEMA = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}, "name": "name", "email": "email",
          "joined": {"type": "date", "min": "2024-01-01"}}


@pytest.fixture
def synth(container) -> AgenticSynth:
    return AgenticSynth(container=container)


def test_generate_keeps_records_in_memory_with_metadata(synth) -> None:
    result = synth.generate("structured", schema=SCHEMA, count=20_000, seed=7)
    assert len(result) == 20_000 and len(result.records) == 20_000
    validator = RecordValidator(Schema.from_payload(SCHEMA))
    assert [v for r in result.records for v in validator.check(r)] == []
    meta = result.metadata
    assert (meta.kind, meta.mode, meta.source, meta.seed, meta.requested, meta.records) == (
        "structured", "engine", "engine", 7, 20_000, 20_000)
    assert meta.seconds > 0 and meta.calls == 0 and meta.cost_usd == 0 and meta.cache_hits == 0
    assert meta.output is None and meta.records_per_second > 0


def test_a_run_without_a_seed_reports_the_seed_that_replays_it(synth) -> None:
    first = synth.generate("structured", schema=SCHEMA, count=50)
    again = synth.generate("structured", schema=SCHEMA, count=50, seed=first.metadata.seed)
    assert first.records == again.records


def test_generate_stream_yields_the_same_records_lazily(synth) -> None:
    stream = synth.generate_stream("structured", schema=SCHEMA, count=20_000, seed=3)
    first = next(stream)  # made before the rest exist: only the first chunk has been generated
    expected = synth.generate("structured", schema=SCHEMA, count=20_000, seed=3).records
    assert [first, *stream] == expected


def test_agenerate_and_astream_match_the_synchronous_calls(synth) -> None:
    async def main() -> tuple[Any, list[dict[str, Any]]]:
        result = await synth.agenerate("structured", schema=SCHEMA, count=9000, seed=4)
        streamed = [r async for r in synth.astream("structured", schema=SCHEMA, count=9000, seed=4)]
        return result, streamed

    result, streamed = asyncio.run(main())
    expected = synth.generate("structured", schema=SCHEMA, count=9000, seed=4).records
    assert result.records == expected and streamed == expected


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_generate_writes_a_file_in_the_format_of_its_extension(synth, tmp_path, fmt) -> None:
    path = tmp_path / f"users.{fmt}"
    result = synth.generate("structured", schema=SCHEMA, count=1500, seed=2, output=path)
    assert result.records == [] and result.metadata.output == str(path) and result.metadata.format == fmt
    if fmt == "parquet":
        assert pq.read_metadata(path).num_rows == 1500
    elif fmt == "json":
        assert len(json.loads(path.read_text())) == 1500
    else:
        assert len(path.read_text().splitlines()) == 1500 + (fmt == "csv")


class ListSink:
    """A user's own RecordSink: keeps chunks and remembers how it ended."""

    def __init__(self) -> None:
        self.chunks: list[RecordChunk] = []
        self.state = "open"

    def write(self, chunk: RecordChunk) -> None:
        self.chunks.append(chunk)

    def close(self) -> None:
        self.state = "closed"

    def abort(self) -> None:
        self.state = "aborted"


def test_generate_writes_chunks_to_any_record_sink(synth) -> None:
    sink = ListSink()
    result = synth.generate("structured", schema=SCHEMA, count=20_000, seed=1, sink=sink)
    assert sink.state == "closed" and [c.length for c in sink.chunks] == [8192, 8192, 3616]
    assert result.records == [] and result.metadata.records == 20_000


class Countdown(CustomGenerator):
    """A user-defined generator: records counting down from the request's count."""

    type = "countdown"
    description = "counts down"

    def generate_record(self, request: GenerationRequest, index: int) -> dict[str, Any]:
        assert request.count is not None
        return {"n": request.count - index}


def test_register_generator_makes_a_custom_kind_available(synth) -> None:
    synth.register_generator(Countdown())
    assert "countdown" in synth.generators()
    result = synth.generate("countdown", schema={"n": "integer"}, count=3)
    assert result.records == [{"n": 3}, {"n": 2}, {"n": 1}]
    with pytest.raises(Exception, match="already registered"):
        synth.register_generator(Countdown())


def test_a_bad_schema_raises_schema_error_before_anything_is_written(synth, tmp_path) -> None:
    with pytest.raises(SchemaError, match=r"^schema: a: min \(3\) is greater than max \(1\)$"):
        synth.generate("structured", schema={"a": {"type": "integer", "min": 3, "max": 1}}, output=tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_the_sdk_logs_nothing_unless_the_app_enables_agentic_synth(synth) -> None:
    messages: list[str] = []
    handler = logger.add(messages.append, level="DEBUG", format="{name}: {message}")
    try:
        synth.generate("structured", schema=SCHEMA, count=10, seed=1)
        assert messages == []
        logger.enable("agentic_synth")
        synth.generate("structured", schema=SCHEMA, count=10, seed=1)
    finally:
        logger.disable("agentic_synth")
        logger.remove(handler)
    assert any(m.startswith("agentic_synth.") and "generated 10 records" in m for m in messages)


def test_generate_stream_hands_out_records_before_later_chunks_are_made(synth) -> None:
    from tests.fakes import MIDWAY_ERRORS, FailingGenerator

    synth.register_generator(FailingGenerator(MIDWAY_ERRORS["provider"], good_chunks=1))
    stream = synth.generate_stream("failing", schema={"n": "integer"}, count=1000)
    assert [next(stream)["n"] for _ in range(100)] == list(range(100))
    with pytest.raises(Exception, match="HTTP 500"):
        next(stream)
