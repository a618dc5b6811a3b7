"""Ports: the interfaces the application needs from the outside world, as Protocols.

Only the ports something checks with `isinstance` are `@runtime_checkable` (a plugin's or caller's
pipeline, store or engine, checked in entrypoints/integrations.py; Transactional, in application/tee.py).
tests/unit/test_ports.py proves that every adapter satisfies its port, under mypy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.cache.stats import CacheStats
from agentic_synth.domain.dataset.model import Table
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.integrations.temporal import TemporalMetrics


class RecordSink(Protocol):
    """Where records go: a file format, stdout, memory or a user's own destination.

    `write` takes chunks in order; `close` commits (a file appears whole); `abort` discards.
    """

    def write(self, chunk: RecordChunk) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class DatasetSink(Protocol):
    """Where a dataset's tables go: a directory of files, a database, or memory.

    `table` opens one table's RecordSink (tables come parents first, one at a time); `commit`
    makes every table appear at once; `abort` leaves the destination as it was. `first_numbers`
    tells where integer keys start when rows are added to tables that already hold some.
    """

    def first_numbers(self) -> dict[str, int]: ...

    def table(self, table: Table) -> RecordSink: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class Clock(Protocol):
    """Monotonic seconds for timing, and wall-clock seconds since the epoch."""

    def monotonic(self) -> float: ...

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class TextModel(Protocol):
    """An AI model that turns a prompt into text (the specification's ModelProvider).

    Provider adapters implement it, and so do the wrappers stacked on them (retries, budget,
    cache, router): each takes a TextModel and is one. `provider` names whose model it is.
    """

    provider: str

    def complete(self, request: ModelRequest) -> Completion: ...

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]: ...


class AttemptMeter(Protocol):
    """The spend of each attempt of one call: a layer that retries tells the budget layer above it.

    `begin` sets aside an attempt's worst case before it is sent (and raises BudgetExceeded when it
    does not fit); `failed` charges what a failed attempt may have been billed. The attempt that
    succeeds is settled by the budget layer from its reply.
    """

    def begin(self) -> None: ...

    def failed(self, error: BaseException) -> None: ...


@runtime_checkable
class MeteredTextModel(Protocol):
    """A TextModel that retries, and accounts for each attempt to an AttemptMeter (ResilientTextModel)."""

    provider: str

    def complete_metered(self, request: ModelRequest, meter: AttemptMeter) -> Completion: ...

    def stream_metered(self, request: ModelRequest, meter: AttemptMeter) -> Iterator[TextDelta]: ...


class ResponseCache(Protocol):
    """Content-addressed store of model replies (JSON-compatible values).

    `ttl` is in seconds: None takes the cache's default, `math.inf` never expires. `items`
    yields the live entries (for invalidation by content); `stats` reports counters and size.
    """

    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, ttl: float | None = None) -> None: ...

    def delete(self, key: str) -> bool: ...

    def clear(self) -> None: ...

    def items(self) -> Iterator[tuple[str, Any]]: ...

    def stats(self) -> CacheStats: ...


@runtime_checkable
class StreamPipeline(Protocol):
    """A streaming destination (midstreamer) that receives records as they are made."""

    def is_available(self) -> bool: ...

    def send(self, chunk: RecordChunk) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class VectorStore(Protocol):
    """A vector database (ruvector) that stores records with their embeddings.

    `search` returns hits best first, each `{"score": similarity, "record": {...}, "metadata": {...}}`.
    """

    def is_available(self) -> bool: ...

    def store(self, records: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None) -> None: ...

    def search(self, query: str, limit: int = 10) -> list[Mapping[str, Any]]: ...


class Embedder(Protocol):
    """Turns texts into vectors."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@runtime_checkable
class WorkflowEngine(Protocol):
    """An automation engine (agentic-robotics) that can run generators as workflows.

    `generator` is a callable taking a mapping of option overrides and returning the run's result.
    """

    def is_available(self) -> bool: ...

    def register_workflow(self, name: str, generator: Any) -> None: ...

    def trigger_workflow(self, name: str, options: Mapping[str, Any]) -> Any: ...


@runtime_checkable
class Transactional(Protocol):
    """A destination that holds what a run gave it until `commit`, and drops it on `rollback`."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class AsyncRecordSource(Protocol):
    """An async stream of records (what `astream` yields)."""

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]: ...


class TaskExecutor(Protocol):
    """Where batch tasks run: a local process pool, a Dask cluster (concurrent.futures' Executor shape)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


class TemporalAnalyzer(Protocol):
    """Compares two series (midstreamer's TemporalCompare): DTW, LCS, edit distance and a similarity score.

    `name` says which implementation answers (`midstreamer` through Node, or `numpy`); `close` ends
    whatever process it holds.
    """

    name: str

    def analyze(self, a: Sequence[float], b: Sequence[float]) -> TemporalMetrics: ...

    def close(self) -> None: ...
