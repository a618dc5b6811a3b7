"""The generate use case: one request in, chunks to a sink, the run's metadata out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from agentic_synth.application.hybrid import HybridRecords
from agentic_synth.application.interrupts import clear as clear_stop
from agentic_synth.application.interrupts import shielded, stop_requested
from agentic_synth.application.llm import LLMRecords
from agentic_synth.application.plans import EVENT_KINDS, SERIES_KINDS
from agentic_synth.application.replies import Repair
from agentic_synth.application.usage import UsageTally
from agentic_synth.domain.counts import counted
from agentic_synth.domain.errors import AgenticSynthError, BudgetExceeded, Interrupted, UsageError
from agentic_synth.domain.generation.generators import GeneratorRegistry, total_records
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.domain.generation.shards import clip, part_range
from agentic_synth.domain.ports import Clock, RecordSink, TextModel

Progress = Callable[[int], None]


class RunModels(Protocol):
    """The model stack of one run: the TextModel to call, and what its layers tell the run's metadata afterwards."""

    @property
    def text_model(self) -> TextModel: ...

    def report_into(self, meta: RunMetadata) -> None: ...


# Kinds whose points the engine always makes: in llm mode the model only proposes their parameters.
ENGINE_TIMED_KINDS = SERIES_KINDS | EVENT_KINDS


def _only_part(chunks: Iterator[RecordChunk], request: GenerationRequest, total: int | None) -> Iterator[RecordChunk]:
    """A generator that cannot make part of its job alone: make it all, keep the part's records."""
    if total is None:
        raise UsageError(f"a shard of a '{request.kind}' job needs its --count")
    span = part_range(request.part, total)
    first = 0
    for chunk in chunks:
        kept = clip(chunk, first, span)
        first += chunk.length
        if kept is not None:
            yield kept
        if first >= span.stop:
            return


def _kept(keep_partial: bool, worth_keeping: bool, meta: RunMetadata) -> bool:
    """Whether a stopped run's output is kept: what went to a stream or device stays; a file stays when the
    stop keeps records and some were made (never an empty file)."""
    return keep_partial or (worth_keeping and meta.records > 0)


class GenerateRecords:
    """Runs a generator and writes its chunks; commits the sink on success, discards it on failure.

    Errors that carry records worth keeping (a budget stop, a shortfall of valid LLM records) are
    raised after the sink is committed, so paid-for records are never lost. In llm and hybrid modes
    an interrupted run keeps the whole records written so far. A run that stops having made no record
    leaves no file (a stream or a device keeps what it was given: nothing).
    """

    def __init__(self, registry: GeneratorRegistry, clock: Clock, *, repair: Repair | None = None) -> None:
        self._registry = registry
        self._clock = clock
        self._repair = repair  # lenient reading of replies (Python literals, trailing commas)

    def chunks(self, request: GenerationRequest, tally: UsageTally | None = None, *,
               models: RunModels | None = None) -> Iterator[RecordChunk]:
        """The request's records, chunk by chunk, without a sink (for streaming APIs).

        `models` is the run's model stack: llm and hybrid modes need one, the engine none.
        """
        generator = self._registry.get(request.kind)
        engine = generator.chunks
        if request.mode == "engine":
            chunks: Iterator[RecordChunk] = engine(request)
            if request.part is not None and not getattr(generator, "makes_parts", False):
                chunks = _only_part(chunks, request, total_records(generator, request))
            return chunks
        if request.part is not None:
            raise UsageError(f"a shard of a job (--shard) is made by the engine; mode {request.mode} cannot make one")
        if models is None:
            raise UsageError(f"mode '{request.mode}' needs an AI model, and none is configured")
        model = models.text_model
        tally = tally if tally is not None else UsageTally()
        if request.mode == "llm" and request.kind not in ENGINE_TIMED_KINDS:
            chunks = LLMRecords(model, tally, self._clock, expand=engine, repair=self._repair).chunks(request)
        else:
            chunks = HybridRecords(model, tally, engine, clock=self._clock, repair=self._repair).chunks(request)
        return chunks

    def run(self, request: GenerationRequest, sink: RecordSink, *, models: RunModels | None = None,
            progress: Progress | None = None, keep_partial: bool = False) -> RunMetadata:
        meta = RunMetadata(kind=request.kind, mode=request.mode, seed=request.seed, requested=request.count,
                           source=request.mode)
        keep_on_interrupt = keep_partial or request.mode != "engine"  # paid-for records stay
        tally = UsageTally()
        started = self._clock.monotonic()
        clear_stop()  # a request an earlier run of this process acted on does not stop this one
        try:
            self._write(self.chunks(request, tally, models=models), sink, meta, progress)
        except KeyboardInterrupt:
            keep_on_interrupt = _kept(keep_partial, keep_on_interrupt, meta)
            self._finish(sink, keep_on_interrupt)
            interrupted = Interrupted(f"interrupted; {counted(meta.records, 'record')} written" if keep_on_interrupt
                                      else "interrupted; no output written")
            interrupted.metadata = meta
            interrupted.keeps_records = keep_on_interrupt  # type: ignore[attr-defined]
            raise interrupted from None
        except AgenticSynthError as error:
            kept = _kept(keep_partial, bool(getattr(error, "keeps_records", False)), meta)
            self._finish(sink, kept)
            stop = error.with_records(meta.records, request.count) if isinstance(error, BudgetExceeded) else error
            stop.metadata = meta  # the spend of a run that stopped short is shown too (summary, --report)
            if not kept:  # nothing was made: the CLI says "no output written"
                stop.keeps_records = False  # type: ignore[attr-defined]
            if stop is error:
                raise
            raise stop from None
        except BaseException:
            sink.abort()
            raise
        finally:
            meta.seconds = self._clock.monotonic() - started
            self._account(meta, tally, models)
        with shielded(stop_after=False):  # the run is complete: a signal now does not undo the commit
            sink.close()
        meta.seconds = self._clock.monotonic() - started
        return meta

    @staticmethod
    def _write(chunks: Iterator[RecordChunk], sink: RecordSink, meta: RunMetadata, progress: Progress | None) -> None:
        """Write every chunk. An interrupt that lands here, between chunks, is thrown into the chunks' generator:
        in llm mode and text columns the work queue then hands over what its calls in flight bring within the
        grace (paid for, so written too) before it re-raises; a second interrupt stops at once."""
        throw = getattr(chunks, "throw", None)  # a generator's: an iterator of another kind just stops
        handing_over = throw_in = False
        while True:
            try:
                chunk = throw(KeyboardInterrupt()) if throw is not None and throw_in else next(chunks)
            except StopIteration:
                break
            throw_in = False
            try:
                with shielded():  # a signal lets the chunk be written whole, so the count says what is on disk
                    sink.write(chunk)
                    meta.records += chunk.length
                if progress is not None:
                    progress(chunk.length)
                del chunk  # let it go before the next one is made: one chunk in memory, not two
                if not handing_over and stop_requested():  # a signal whose KeyboardInterrupt was lost on the way
                    raise KeyboardInterrupt
            except KeyboardInterrupt:
                if handing_over or throw is None:
                    raise
                handing_over = throw_in = True
        if handing_over:
            raise KeyboardInterrupt

    def _account(self, meta: RunMetadata, tally: UsageTally, models: RunModels | None) -> None:
        meta.models = tally.snapshot()
        if models is not None:
            models.report_into(meta)  # cache figures, the failures of models the router handed over from
        meta.dropped = tally.invalid + tally.duplicates
        meta.notes.extend(tally.notes)
        meta.distinct = dict(tally.distinct)
        meta.plan = dict(tally.plan)
        if tally.invalid or tally.duplicates:
            meta.notes.append(f"dropped {tally.invalid:,} invalid and {tally.duplicates:,} duplicate records")

    @staticmethod
    def _finish(sink: RecordSink, keep: bool) -> None:
        with shielded(stop_after=False):  # what was written is kept (or discarded) whole
            if keep:
                sink.close()
            else:
                sink.abort()
