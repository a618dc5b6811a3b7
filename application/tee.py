"""TeeRecordSink: a run's chunks go to its sink and, as they are written, to a stream pipeline and a vector store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.errors import AgenticSynthError, IntegrationError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.ports import RecordSink, StreamPipeline, Transactional, VectorStore


class TeeRecordSink:
    """Writes each chunk to `sink`, then sends it to `pipeline` and stores it in `store`.

    The stream is live: what was sent stays sent. A transactional store (`commit`/`rollback`)
    follows the output: its records become visible when the sink commits and are dropped when
    the sink is discarded, so the store never holds records the output does not. A pipeline with
    `owned` True is closed with the run; a long-lived one (enabled on the SDK) stays open.
    Errors of the integrations (a user's plugin too) surface as IntegrationError naming which.
    """

    def __init__(self, sink: RecordSink, *, pipeline: StreamPipeline | None = None, store: VectorStore | None = None,
                 metadata: Mapping[str, Any] | None = None, owned: bool = True) -> None:
        self._sink = sink
        self._pipeline = pipeline
        self._store = store
        self._metadata = dict(metadata or {})
        self._owned = owned
        self.streamed = 0
        self.vectorized = 0

    def write(self, chunk: RecordChunk) -> None:
        self._sink.write(chunk)
        if self._pipeline is not None:
            _guard("stream pipeline", self._pipeline.send, chunk)
            self.streamed += chunk.length
        if self._store is not None:
            _guard("vector store", self._store.store, chunk.rows(), self._metadata)
            self.vectorized += chunk.length

    def close(self) -> None:
        try:
            self._sink.close()
        except BaseException:
            self._end(commit=False)
            raise
        self._end(commit=True)

    def abort(self) -> None:
        try:
            self._sink.abort()
        finally:
            self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        try:
            if isinstance(self._store, Transactional):
                if commit:
                    _guard("vector store", self._store.commit)
                else:
                    _guard("vector store", self._store.rollback)
        finally:
            if self._pipeline is not None and self._owned:
                _guard("stream pipeline", self._pipeline.close)


def _guard(role: str, call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except (AgenticSynthError, BrokenPipeError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a plugin's own exception: one line naming the integration
        raise IntegrationError(f"{type(exc).__name__}: {exc}", integration=role) from exc
