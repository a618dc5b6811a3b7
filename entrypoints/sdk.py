"""AgenticSynth: the SDK, and the single path through which the CLI generates too."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.adapters.sinks.memory import InMemoryRecordSink
from agentic_synth.domain.cache_keys import CachePolicy
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generators import Generator, parse_options
from agentic_synth.domain.ports import RecordSink
from agentic_synth.domain.requests import GenerationRequest
from agentic_synth.domain.results import GenerationResult
from agentic_synth.domain.schema import Schema
from agentic_synth.domain.types import DEFAULT_LOCALE, LOCALES
from agentic_synth.entrypoints.cache_control import CacheControl
from agentic_synth.entrypoints.container import Container, build_container

_SENTINEL = object()


def new_seed() -> int:
    """A fresh seed for runs that did not ask for one (reported, so every run can be replayed)."""
    return secrets.randbelow(2**32)


class AgenticSynth:
    """Generate synthetic data from a schema.

    `config` is reserved for configuration (a path, a dict or a config object); `container`
    lets tests and embedding apps swap adapters (a fake model, their own sink, a clock).
    """

    def __init__(self, config: Any = None, *, container: Container | None = None) -> None:
        self.container = container if container is not None else build_container()
        self.config = config

    @property
    def cache(self) -> CacheControl:
        """The response cache: `.stats()`, `.clear()`, `.invalidate(...)`, `.path()`."""
        return CacheControl(self.container)

    # --- generators ----------------------------------------------------------------------------

    def register_generator(self, generator: Generator, *, replace: bool = False) -> None:
        """Make a custom generator available under its `type` name."""
        self.container.registry().register(generator, origin="code", replace=replace)

    def generators(self) -> list[str]:
        return self.container.registry().names()

    # --- requests ------------------------------------------------------------------------------

    def request(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                locale: str | None = None, mode: str = "engine", cache_policy: str | CachePolicy | None = None,
                **options: Any) -> GenerationRequest:
        """Validate everything about a run before any output exists."""
        generator = self.container.registry().get(kind)
        parsed_schema = load_schema(schema)
        if locale is not None and locale not in LOCALES:
            raise UsageError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
        return GenerationRequest(
            kind=kind, schema=parsed_schema, count=count, seed=new_seed() if seed is None else seed,
            options=parse_options(generator, options), mode=mode, locale=locale or DEFAULT_LOCALE,
            cache_policy=None if cache_policy is None else CachePolicy.parse(cache_policy, "cache_policy"))

    def generate(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                 output: str | Path | None = None, format: str | None = None, sink: RecordSink | None = None,
                 csv_protect: bool = True, stream: bool = False, progress: Callable[[int], None] | None = None,
                 stdout: Any = None, **options: Any) -> GenerationResult:
        """Generate records: kept in `.records`, or written to `output` (a path, '-' for stdout) or `sink`."""
        request = self.request(kind, schema=schema, count=count, seed=seed, **options)
        fmt = None
        memory = None
        if sink is None and output is not None:
            path = None if str(output) == "-" else str(output)
            fmt = resolve_format(path, format)
            sink = self.container.sink_factory()(path, fmt, request.schema, stream=stream,
                                                  csv_protect=csv_protect, stdout=stdout)
        elif format is not None and sink is None:
            raise UsageError("format needs an output path")
        if sink is None:
            memory = sink = InMemoryRecordSink()
        meta = self.container.generate_records().run(request, sink, progress=progress)
        meta.output = None if output is None else str(output)
        meta.format = fmt
        return GenerationResult(records=memory.records if memory is not None else [], metadata=meta)

    def generate_stream(self, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                        **options: Any) -> Iterator[dict[str, Any]]:
        """Yield records lazily, chunk by chunk (memory stays flat in count)."""
        request = self.request(kind, schema=schema, count=count, seed=seed, **options)
        for chunk in self.container.generate_records().chunks(request):
            yield from chunk.rows()

    async def agenerate(self, kind: str, **kwargs: Any) -> GenerationResult:
        """`generate` without blocking the event loop (runs in a worker thread)."""
        return await asyncio.to_thread(lambda: self.generate(kind, **kwargs))

    async def astream(self, kind: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """`generate_stream` as an async iterator; each chunk is made in a worker thread."""
        request = self.request(kind, **kwargs)
        chunks = self.container.generate_records().chunks(request)
        while True:
            chunk = await asyncio.to_thread(next, chunks, _SENTINEL)
            if chunk is _SENTINEL:
                return
            for row in chunk.rows():  # type: ignore[attr-defined]
                yield row

    @staticmethod
    def schema(payload: Mapping[str, Any]) -> Schema:
        """Parse and check a schema (raises SchemaError naming the path)."""
        return Schema.from_payload(payload)

