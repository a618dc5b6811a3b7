"""The generate use case: one request in, chunks to a sink, the run's metadata out."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from agentic_synth.domain.errors import AgenticSynthError, Interrupted
from agentic_synth.domain.generators import GeneratorRegistry
from agentic_synth.domain.ports import Clock, RecordSink
from agentic_synth.domain.records import RecordChunk
from agentic_synth.domain.requests import GenerationRequest
from agentic_synth.domain.results import RunMetadata

Progress = Callable[[int], None]


class GenerateRecords:
    """Runs a generator and writes its chunks; commits the sink on success, discards it on failure.

    Errors that carry records worth keeping (a budget stop, a shortfall of valid LLM records) are
    raised after the sink is committed, so paid-for records are never lost.
    """

    def __init__(self, registry: GeneratorRegistry, clock: Clock) -> None:
        self._registry = registry
        self._clock = clock

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        """The request's records, chunk by chunk, without a sink (for streaming APIs)."""
        chunks: Iterator[RecordChunk] = self._registry.get(request.kind).chunks(request)
        return chunks

    def run(self, request: GenerationRequest, sink: RecordSink, *, progress: Progress | None = None,
            keep_partial: bool = False) -> RunMetadata:
        meta = RunMetadata(kind=request.kind, mode=request.mode, seed=request.seed, requested=request.count)
        started = self._clock.monotonic()
        try:
            for chunk in self.chunks(request):
                sink.write(chunk)
                meta.records += chunk.length
                if progress is not None:
                    progress(chunk.length)
                del chunk  # let it go before the next one is made: one chunk in memory, not two
        except KeyboardInterrupt:
            meta.seconds = self._clock.monotonic() - started
            self._finish(sink, keep_partial)
            raise Interrupted(f"interrupted; {meta.records} records written" if keep_partial
                              else "interrupted; no output written") from None
        except AgenticSynthError as error:
            self._finish(sink, keep_partial or getattr(error, "keeps_records", False))
            raise
        except BaseException:
            sink.abort()
            raise
        sink.close()
        meta.seconds = self._clock.monotonic() - started
        return meta

    @staticmethod
    def _finish(sink: RecordSink, keep: bool) -> None:
        if keep:
            sink.close()
        else:
            sink.abort()
