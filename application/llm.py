"""The llm mode: the model writes the records in batches; each is parsed, validated and deduplicated."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from agentic_synth.application.prompts import (
    SYSTEM,
    batch_size,
    records_json_schema,
    records_prompt,
    records_scope,
)
from agentic_synth.application.replies import ObjectStream, parse_records
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.workers import DaemonPool
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import AgenticSynthError, IncompleteGeneration, ProviderError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.ports import TextModel
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record

DEFAULT_COUNT = 10
BATCH_DONE = object()


class RecordKeeper:
    """Keeps valid, new records up to the count; drops and counts invalid ones and duplicates.

    Duplicates are exact (the same record twice) or share a value of a unique field.
    """

    def __init__(self, schema: Schema, count: int) -> None:
        self.schema = schema
        self.count = count
        self.kept = self.invalid = self.duplicates = self.surplus = 0
        self._exact: set[str] = set()
        self._unique: dict[str, set[str]] = {f.name: set() for f in schema.fields if f.unique}
        self._lock = threading.Lock()

    @property
    def full(self) -> bool:
        return self.kept >= self.count

    def take(self, records: Sequence[Any]) -> list[dict[str, Any]]:
        """The records worth keeping, in order; counts the rest."""
        out: list[dict[str, Any]] = []
        with self._lock:
            for record in records:
                if self.kept >= self.count:
                    self.surplus += 1
                elif validate_record(record, self.schema):
                    self.invalid += 1
                elif self._is_duplicate(record):
                    self.duplicates += 1
                else:
                    out.append(record)
                    self.kept += 1
        return out

    def _is_duplicate(self, record: Mapping[str, Any]) -> bool:
        exact = json.dumps(record, sort_keys=True, default=str)
        uniques = {name: repr(record.get(name)) for name in self._unique if record.get(name) is not None}
        if exact in self._exact or any(v in self._unique[n] for n, v in uniques.items()):
            return True
        self._exact.add(exact)
        for name, value in uniques.items():
            self._unique[name].add(value)
        return False

    def used_values(self, limit: int = 50) -> dict[str, list[str]]:
        """Some values of unique fields already taken, to tell the model not to reuse them."""
        with self._lock:
            return {name: sorted(values)[:limit] for name, values in self._unique.items()}


class TaggedInbox:
    """What a worker puts into the round's inbox, tagged with its batch number."""

    def __init__(self, inbox: queue.Queue[Any], batch_no: int) -> None:
        self._inbox = inbox
        self._batch_no = batch_no

    def __call__(self, item: Any) -> None:
        self._inbox.put((self._batch_no, item))


class BatchOrder:
    """The items of batches first..first+batches-1 in batch order, whatever order the calls end in.

    Items of the earliest unfinished batch pass at once (a streamed batch's records as they come);
    later batches wait until it is done. So the same replies always give the same output. `held()`
    gives what later batches already sent, for a run that ends early (Ctrl-C) to keep.
    """

    def __init__(self, inbox: queue.Queue[Any], first: int, batches: int) -> None:
        self._inbox = inbox
        self._head, self._end = first, first + batches
        self._waiting: dict[int, list[Any]] = {}

    def __iter__(self) -> Iterator[Any]:
        while self._head < self._end:
            batch, item = self._inbox.get()
            if batch != self._head:
                self._waiting.setdefault(batch, []).append(item)
                continue
            if item is not BATCH_DONE:
                yield item
                continue
            self._head += 1
            while self._head < self._end and self._head in self._waiting:  # what the next batches already sent
                held = self._waiting.pop(self._head)
                done = bool(held) and held[-1] is BATCH_DONE
                yield from (held[:-1] if done else held)
                if not done:
                    break
                self._head += 1

    def held(self) -> list[Any]:
        return [item for batch in sorted(self._waiting) for item in self._waiting[batch] if item is not BATCH_DONE]


in_batch_order = BatchOrder


class LLMRecords:
    """Asks the model for batches concurrently (bounded), yields valid records as soon as they arrive,
    and asks again for the shortfall until the count is reached or `max_rounds` rounds have passed."""

    def __init__(self, model: TextModel, tally: UsageTally) -> None:
        self._model = model
        self._tally = tally

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        ai = request.ai or AISettings()
        count = DEFAULT_COUNT if request.count is None else request.count
        if count == 0:
            return
        keeper = RecordKeeper(request.schema, count)
        size = batch_size(request.schema, ai.max_output_tokens, ai.batch_size)
        names = request.schema.names
        stop = threading.Event()
        pool = DaemonPool(ai.concurrency, "agentic-synth-llm")
        batch_no, rounds, last_error, halted = 0, 0, None, None
        try:
            while not keeper.full and rounds < ai.max_rounds and halted is None:
                rounds += 1
                need = count - keeper.kept
                sizes = [min(size, need - i) for i in range(0, need, size)]
                inbox: queue.Queue[Any] = queue.Queue()
                avoid = keeper.used_values()
                first = batch_no
                for n in sizes:
                    pool.submit(self._ask, request, ai, n, batch_no, avoid, inbox, stop)
                    batch_no += 1
                before = keeper.kept
                order = BatchOrder(inbox, first, len(sizes))
                try:
                    for item in order:
                        if isinstance(item, ProviderError):
                            if not item.retryable:
                                stop.set()
                                yield from self._keep_held(order, keeper, names)
                                raise self._fatal(item, keeper)
                            last_error = item
                        elif isinstance(item, AgenticSynthError):  # a budget stop: finish the calls in flight
                            stop.set()
                            halted = halted or item
                        else:
                            rows = keeper.take(item[0])
                            self._tally.kept(item[1], len(rows))
                            if rows:
                                yield RecordChunk.from_rows(rows, names)
                            if keeper.full:
                                stop.set()
                except KeyboardInterrupt:
                    yield from self._keep_held(order, keeper, names)
                    raise
                if keeper.kept == before:
                    break  # a round without one new record: asking again would only spend more
        finally:
            stop.set()
            pool.shutdown()
            self._tally.dropped(invalid=keeper.invalid, duplicates=keeper.duplicates)
            if keeper.surplus:
                self._tally.note(f"{keeper.surplus} records beyond the count were not used")
        if halted is not None and not keeper.full:
            raise halted
        if not keeper.full:
            if keeper.kept == 0 and last_error is not None:
                raise last_error
            cause = f"; last error: {last_error}" if last_error is not None else ""
            raise IncompleteGeneration(
                f"{count - keeper.kept} of {count} records missing after {rounds} rounds of calls "
                f"({keeper.invalid} invalid and {keeper.duplicates} duplicate records dropped{cause}); "
                f"the {keeper.kept} valid records were written")

    def _keep_held(self, order: BatchOrder, keeper: RecordKeeper, names: Sequence[str]) -> Iterator[RecordChunk]:
        """A run ending early keeps the valid records that later batches already brought (they were paid for)."""
        rows: list[dict[str, Any]] = []
        for item in order.held():
            if isinstance(item, tuple):
                kept = keeper.take(item[0])
                self._tally.kept(item[1], len(kept))
                rows.extend(kept)
        if rows:
            yield RecordChunk.from_rows(rows, names)

    def _fatal(self, error: ProviderError, keeper: RecordKeeper) -> ProviderError:
        if keeper.kept == 0:
            return error
        return ProviderError(f"{error}; {keeper.kept} of {keeper.count} records were written",
                             provider=error.provider, status=error.status, keeps_records=True)

    def _ask(self, request: GenerationRequest, ai: AISettings, n: int, batch_no: int,
             avoid: Mapping[str, Sequence[Any]], inbox: queue.Queue[Any], stop: threading.Event) -> None:
        """One call (a worker thread): puts (batch_no, piece) items: (records, model) pieces, or an error,
        then BATCH_DONE."""
        put = TaggedInbox(inbox, batch_no)
        call = ModelRequest(
            prompt=records_prompt(request, n, batch=batch_no, description=ai.prompt, examples=ai.examples,
                                  avoid=avoid),
            model=ai.model, provider=ai.provider, system=SYSTEM, max_output_tokens=ai.max_output_tokens,
            temperature=ai.temperature, json_schema=records_json_schema(request.schema),
            seed=(request.seed + batch_no) % 2**31, kind=request.kind, purpose="records",
            cache_scope=records_scope(request, ai, batch_no, n), cache_policy=request.cache_policy)
        name = ai.model or "auto"
        try:
            if stop.is_set():
                return
            if ai.stream:
                self._ask_streaming(call, name, put, stop)
            else:
                completion = self._model.complete(call)
                self._tally.call(completion)
                records, broken = parse_records(completion.text)
                put((records + [None] * broken, completion.model))
        except ProviderError as error:
            self._tally.failure(name)
            put(error)
        except AgenticSynthError as error:  # the budget refused the call (nothing was sent)
            put(error)
        except Exception as error:  # a bug or an unexpected SDK error: report it, never hang the run
            self._tally.failure(name)
            put(ProviderError(f"{name}: {type(error).__name__}: {error}", retryable=False))
        finally:
            put(BATCH_DONE)

    def _ask_streaming(self, call: ModelRequest, name: str, put: Callable[[Any], None],
                       stop: threading.Event) -> None:
        parser = ObjectStream()
        last = TextDelta("")
        deltas = self._model.stream(call)
        try:
            for delta in deltas:
                records = parser.feed(delta.text)
                if records:
                    put((records, name))
                if delta.done:
                    last = delta
                if stop.is_set():
                    break
        finally:
            close = getattr(deltas, "close", None)
            if callable(close):
                close()
            self._tally.call(Completion(text="", model=name, provider=self._model.provider, tokens_in=last.tokens_in,
                                        tokens_out=last.tokens_out, cost_usd=last.cost_usd, cached=last.cached))
            if parser.broken:
                put(([None] * parser.broken, name))
