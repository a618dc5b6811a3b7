"""WorkQueue: keeps the allowed number of model calls in flight until a job is done or a stop rule fires.

No round barrier: a slot that frees up starts the next call at once. Results are *taken* in call-index
order (a later call that answers first waits, unseen, until the earlier ones are in), and every
decision about what call i asks for is made at a point fixed by that order: right after call q's
result is taken, for the calls up to q + `lag`. So the same replies (from a cache, or a seeded model)
always make the same calls and the same output, whichever reply came back first, while up to `lag`
calls run ahead of the oldest one still in flight: a slow call does not hold the others back.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import Any, Protocol

import attrs

from agentic_synth.application.progress import INTERRUPT_GRACE_S, Stop, StopRules
from agentic_synth.application.replies import ObjectStream, Repair, parse_records
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.workers import DaemonPool
from agentic_synth.domain.ai.ai_settings import DEFAULT_CONCURRENCY, AISettings
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import AgenticSynthError, BudgetExceeded, ProviderError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.ports import Clock, TextModel

Parse = Callable[[str, bool], tuple[list[Any], int]]  # (reply text, complete?) -> (objects, broken fragments)


@attrs.frozen
class Call:
    """One call a job decided on: its place in the order, how many items it asks for, the request."""

    index: int
    asked: int
    request: ModelRequest
    payload: Any = None  # the job's own: anchors, or the row numbers a text-columns call covers


@attrs.frozen
class Outcome:
    """What a call brought back: parsed objects (or an error), and the reply's usage."""

    call: Call
    objects: tuple[Any, ...] = ()
    broken: int = 0
    completion: Completion | None = None
    error: AgenticSynthError | None = None

    @property
    def truncated(self) -> bool:
        """The reply was cut at the output limit (what came before the cut is still in `objects`)."""
        return self.completion is not None and (self.completion.finish_reason or "").lower() in ("length",
                                                                                                 "max_tokens")


class Job(Protocol):
    """What a WorkQueue works on: it decides calls and takes their results, both in call-index order."""

    @property
    def done(self) -> bool: ...

    def next_call(self, index: int) -> Call | None:
        """The call to make as number `index`, or None when what is in flight should be enough for now."""

    def take(self, outcome: Outcome) -> tuple[list[dict[str, Any]], int]:
        """Take a call's result: the rows to emit now, and how many items the call added in all."""

    def take_piece(self, index: int, objects: tuple[Any, ...]) -> list[dict[str, Any]]:
        """Take what a streamed call has sent so far (before its `take`): the rows to emit now."""


@attrs.frozen
class _Piece:
    index: int
    objects: tuple[Any, ...]


@attrs.frozen
class _Done:
    outcome: Outcome


def chunks_of(runs: Generator[list[dict[str, Any]], None, None], names: tuple[str, ...]) -> Iterator[RecordChunk]:
    """A queue's rows as chunks. An interrupt thrown in here (the writer was interrupted between chunks) goes on
    to the queue, which first hands over what its calls in flight bring within the grace (paid for), then
    re-raises it."""
    rows = next(runs, None)
    while rows is not None:
        try:
            yield RecordChunk.from_rows(rows, names)
        except KeyboardInterrupt:
            try:
                rows = runs.throw(KeyboardInterrupt())
            except StopIteration:
                raise KeyboardInterrupt from None
            continue
        rows = next(runs, None)


class ModelCalls:
    """What llm mode and text columns share: the model, the run's tally and clock, the reading of replies,
    and a WorkQueue set up from a run's AISettings (slots, stop rules)."""

    def __init__(self, model: TextModel, tally: UsageTally, clock: Clock, *, repair: Repair | None = None) -> None:
        self._model = model
        self._tally = tally
        self._clock = clock
        self._repair = repair

    def parse(self, text: str, complete: bool) -> tuple[list[Any], int]:
        return parse_records(text, complete, self._repair)

    def note_stop(self, queue: WorkQueue) -> None:
        """The run's note on the calls in flight when it stopped: which came back in the grace, which did not."""
        if not (queue.waited or queue.abandoned):
            return
        line = (f"the run ended with {queue.waited + queue.abandoned} calls in flight and waited "
                f"{round(queue.grace, 1):g}s for them: {queue.waited} came back (their cost is counted)")
        if queue.abandoned:
            line += (f", {queue.abandoned} did not (a provider may still bill them; the spend shown counts them "
                     f"at their worst case)")
        self._tally.note(line)

    def work_queue(self, ai: AISettings, status: Callable[[], str], *, lag_per_slot: int,
                   unit: str = "records") -> WorkQueue:
        slots = ai.concurrency or DEFAULT_CONCURRENCY
        rules = StopRules(self._clock, status, max_calls=ai.max_calls, timeout_s=ai.timeout_s,
                          window=ai.progress_window, min_progress=ai.min_progress, unit=unit)
        return WorkQueue(self._model, self._tally, self._clock, self.parse, slots=slots, lag=lag_per_slot * slots,
                         rules=rules, stream=ai.stream, name=ai.model or "auto", repair=self._repair)


class WorkQueue:
    """Runs one job's calls on `slots` worker threads; yields the job's rows as results are taken.

    The stop rules (`rules`) are checked after every taken result; a stop raises the rule's error
    after the calls already paid for were taken. The time limit and Ctrl-C start no more calls and
    wait a short grace (`StopRules.grace`, `INTERRUPT_GRACE_S`) for the calls in flight: the provider
    bills them anyway, so a reply that comes back in time is counted and its records are kept (taken
    out of order). `waited` counts those replies, `abandoned` the calls still out after the grace.
    """

    def __init__(self, model: TextModel, tally: UsageTally, clock: Clock, parse: Parse, *, slots: int,
                 lag: int, rules: StopRules, stream: bool = False, name: str = "auto",
                 repair: Repair | None = None) -> None:
        self._model = model
        self._tally = tally
        self._clock = clock
        self._parse = parse
        self._slots = max(1, slots)
        self._lag = max(lag, self._slots)
        self._rules = rules
        self._stream = stream
        self._name = name
        self._repair = repair  # a streamed reply is read as leniently as a whole one
        self._inbox: queue.Queue[_Piece | _Done] = queue.Queue()
        self._stop = threading.Event()
        self.launched = 0
        self.waited = 0  # calls in flight at a stop whose replies came back within the grace
        self.abandoned = 0  # calls still in flight when the run ended (after the grace)
        self.grace = 0.0  # the seconds a stop waited for the calls in flight

    # --- the control loop (the caller's thread) -------------------------------------------------

    def run(self, job: Job) -> Generator[list[dict[str, Any]], None, None]:
        ready: deque[Call] = deque()
        finished: dict[int, Outcome] = {}
        pieces: dict[int, list[tuple[Any, ...]]] = {}
        taken = decided = in_flight = 0
        halted: Stop | None = None
        pool = DaemonPool(self._slots, "agentic-synth-llm")
        try:
            decided = self._decide(job, ready, taken, decided)
            while not job.done:
                if halted is None and self._rules.expired():
                    halted = self._rules.timeout_error
                    in_flight = self._collect(finished, pieces, in_flight, self._rules.grace())
                    break  # the deadline starts nothing more, and waits only the grace for what is in flight
                while halted is None and ready and in_flight < self._slots:
                    if self._rules.calls_exhausted(self.launched):
                        halted = self._rules.max_calls_error
                        break
                    call = ready.popleft()
                    pool.submit(self._call, call)
                    self.launched += 1
                    in_flight += 1
                if in_flight == 0:
                    if halted is None:
                        halted = self._rules.stuck_error
                    break
                item = self._next(self._rules.seconds_left())
                if item is None:
                    continue
                if isinstance(item, _Piece):
                    if item.index == taken:  # the oldest call streams: its records pass at once
                        rows = job.take_piece(item.index, item.objects)
                        if rows:
                            yield rows
                    else:
                        pieces.setdefault(item.index, []).append(item.objects)
                    continue
                in_flight -= 1
                finished[item.outcome.call.index] = item.outcome
                while taken in finished and not job.done:
                    outcome = finished.pop(taken)
                    for held in pieces.pop(taken, []):
                        rows = job.take_piece(taken, held)
                        if rows:
                            yield rows
                    rows, added = job.take(outcome)
                    taken += 1
                    if rows:
                        yield rows
                    stop = self._rules.after(outcome, added)
                    if stop is not None and halted is None:
                        halted = stop
                    if halted is None:
                        decided = self._decide(job, ready, taken, decided)
                if halted is not None and not job.done:
                    ready.clear()  # finish (and take) the calls in flight, start no more
                    if in_flight == 0:
                        break
            if job.done:
                for index in sorted(set(finished) | set(pieces)):  # arrived, not taken: their records are surplus
                    for held in pieces.pop(index, []):
                        job.take_piece(index, held)
                    if index in finished:
                        job.take(finished.pop(index))
                in_flight = self._settle(job, in_flight)
        except KeyboardInterrupt:
            in_flight = self._collect(finished, pieces, in_flight, INTERRUPT_GRACE_S, interruptible=True)
            yield from self._keep_arrived(job, finished, pieces)
            raise
        except GeneratorExit:  # the reader stopped (an interrupt while it wrote): count what is in flight
            in_flight = self._collect(finished, pieces, in_flight, INTERRUPT_GRACE_S, interruptible=True)
            raise
        finally:
            self.abandoned = in_flight
            self._stop.set()
            pool.shutdown()
        if halted is not None and not job.done:
            yield from self._keep_arrived(job, finished, pieces)
            if not job.done:
                raise halted()

    def _settle(self, job: Job, in_flight: int) -> int:
        """The count is met: wait for the calls still in flight (they are paid for, so their cost is shown and
        their replies are cached for a replay), within the time limit; what they bring is surplus."""
        started = self._clock.monotonic()
        while in_flight and not self._rules.expired():
            item = self._next(self._rules.seconds_left())
            if isinstance(item, _Done):
                in_flight -= 1
                job.take(item.outcome)
        if in_flight:  # the time limit came first: say what was waited for
            self.grace = self._clock.monotonic() - started
        return in_flight

    def _collect(self, finished: dict[int, Outcome], pieces: dict[int, list[tuple[Any, ...]]], in_flight: int,
                 grace: float, *, interruptible: bool = False) -> int:
        """A stop: wait up to `grace` seconds for the calls in flight; what they bring goes to `finished` and
        `pieces` (each reply's cost was counted when it came back). Returns the calls still in flight.
        `interruptible`: a (second) Ctrl-C ends the wait."""
        started = self._clock.monotonic()
        deadline = started + grace
        while in_flight:
            try:
                item = self._next(max(0.0, deadline - self._clock.monotonic()))
            except KeyboardInterrupt:
                if not interruptible:
                    raise
                break
            if item is None:
                break
            if isinstance(item, _Piece):
                pieces.setdefault(item.index, []).append(item.objects)
                continue
            in_flight -= 1
            self.waited += 1
            finished[item.outcome.call.index] = item.outcome
        self.grace = self._clock.monotonic() - started  # what was waited (a second Ctrl-C cuts it short)
        return in_flight

    def _decide(self, job: Job, ready: deque[Call], taken: int, decided: int) -> int:
        """A decision point (after `taken` results): decide calls up to taken + lag."""
        while decided <= taken + self._lag:
            call = job.next_call(decided)
            if call is None:
                break
            ready.append(call)
            decided += 1
        return decided

    def _next(self, timeout: float | None) -> _Piece | _Done | None:
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def _keep_arrived(self, job: Job, finished: dict[int, Outcome],
                      pieces: dict[int, list[tuple[Any, ...]]]) -> Iterator[list[dict[str, Any]]]:
        """A run that ends early keeps the valid records that had already arrived (they were paid for)."""
        for index in sorted(set(finished) | set(pieces)):
            if job.done:
                break
            for held in pieces.pop(index, []):
                rows = job.take_piece(index, held)
                if rows:
                    yield rows
            if index in finished:
                rows, _ = job.take(finished.pop(index))
                if rows:
                    yield rows

    # --- one call (a worker thread) -------------------------------------------------------------

    def _call(self, call: Call) -> None:
        outcome = Outcome(call)
        try:
            if self._stop.is_set():
                return
            outcome = self._streamed(call) if self._stream else self._completed(call)
        except ProviderError as error:
            self._tally.failure(call.request.model or self._name)
            outcome = Outcome(call, error=error)
        except BudgetExceeded as error:  # refused before anything was sent
            outcome = Outcome(call, error=error)
        except AgenticSynthError as error:
            outcome = Outcome(call, error=error)
        except Exception as error:  # a bug or an unexpected SDK error: report it, never hang the run
            self._tally.failure(call.request.model or self._name)
            outcome = Outcome(call, error=ProviderError(f"{self._name}: {type(error).__name__}: {error}"))
        finally:
            self._inbox.put(_Done(outcome))

    def _completed(self, call: Call) -> Outcome:
        completion = self._model.complete(call.request)
        self._tally.call(completion)
        truncated = (completion.finish_reason or "").lower() in ("length", "max_tokens")
        objects, broken = self._parse(completion.text, not truncated)
        return Outcome(call, tuple(objects), broken, completion)

    def _streamed(self, call: Call) -> Outcome:
        parser = ObjectStream(self._repair)
        last = TextDelta("")
        deltas = self._model.stream(call.request)
        try:
            for delta in deltas:
                found = parser.feed(delta.text)
                if found:
                    self._inbox.put(_Piece(call.index, tuple(found)))
                if delta.done:
                    last = delta
                if self._stop.is_set():
                    break
        finally:
            close = getattr(deltas, "close", None)
            if callable(close):
                close()
        completion = Completion(text="", model=call.request.model or self._name, provider=self._model.provider,
                                tokens_in=last.tokens_in, tokens_out=last.tokens_out, cost_usd=last.cost_usd,
                                cached=last.cached, finish_reason=last.finish_reason)
        self._tally.call(completion)
        return Outcome(call, (), parser.broken, completion)
