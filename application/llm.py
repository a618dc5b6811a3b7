"""The llm mode: the model writes the records; each is parsed, validated and deduplicated, until the count is met.

`RecordJob` decides what each call asks for (the WorkQueue runs the calls): enough records that the
model's observed yield (valid new records ÷ asked, per model) covers the shortfall with a margin that
grows as the model gets less reliable, never more than fit its output limit (lowered when a reply was
cut at it), each record with its own engine-drawn anchor values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import attrs

from agentic_synth.application.anchors import AnchorStream, Expand, derived_seed
from agentic_synth.application.keeper import RecordKeeper
from agentic_synth.application.prompts import SYSTEM, batch_size, records_json_schema, records_prompt, records_scope
from agentic_synth.application.replies import Repair
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.work_queue import Call, ModelCalls, Outcome, chunks_of
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.counts import counted
from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.ports import Clock, TextModel

DEFAULT_COUNT = 10
LAG_PER_SLOT = 4  # calls decided ahead of the oldest one in flight, per slot
PRIOR_CALLS = 0.5  # the optimistic prior (a yield of 1) weighs as much as half a full call's records
MIN_ASK = 10  # a call's prompt costs about what 10 records of output do: asking for fewer saves nothing
MARGIN = 0.1  # extra records asked for, times (1 - yield): the less reliable the model, the wider the margin


@attrs.define
class ModelYield:
    """What one model gave back so far: records asked for, valid new ones added."""

    prior: float = 1.0  # pseudo-records asked for and added (an optimistic start, soon outweighed)
    asked: int = 0
    added: int = 0

    @property
    def estimate(self) -> float:
        return max(0.02, (self.added + self.prior) / (self.asked + self.prior))


class RecordJob:
    """The llm mode's decisions; every method runs on the WorkQueue's control thread, in call-index order."""

    def __init__(self, request: GenerationRequest, ai: AISettings, keeper: RecordKeeper, tally: UsageTally,
                 anchors: AnchorStream | None) -> None:
        self._request = request
        self._ai = ai
        self._keeper = keeper
        self._tally = tally
        self._anchors = anchors
        self.limit = batch_size(request.schema, ai.max_output_tokens, ai.batch_size)
        self.fixed = ai.batch_size is not None  # --batch-size: the most records a call asks for, as given
        self._outstanding: dict[int, int] = {}  # asked by calls decided and not yet taken
        self._yields: dict[str, ModelYield] = {}
        self._current = ai.model or "auto"
        self._pieces: dict[int, tuple[int, int]] = {}  # streamed so far per call: (records seen, records added)

    @property
    def done(self) -> bool:
        return self._keeper.full

    def yield_of(self, model: str) -> ModelYield:
        return self._yields.setdefault(model, ModelYield(prior=max(1.0, PRIOR_CALLS * self.limit)))

    def next_call(self, index: int) -> Call | None:
        need = self._keeper.count - self._keeper.kept
        if need <= 0:
            return None
        rate = self.yield_of(self._current).estimate
        wanted = need * (1.0 + MARGIN * (1.0 - rate)) - rate * sum(self._outstanding.values())
        if wanted <= 0:
            return None  # what is in flight should cover the shortfall
        n = min(self.limit, max(MIN_ASK, math.ceil(wanted / rate)))
        anchors = self._anchors.take(n) if self._anchors is not None else []
        self._outstanding[index] = n
        return Call(index, n, self._model_request(index, n, anchors), anchors)

    def _model_request(self, index: int, n: int, anchors: list[dict[str, Any]]) -> ModelRequest:
        request, ai = self._request, self._ai
        return ModelRequest(
            prompt=records_prompt(request, n, batch=index, description=ai.prompt, examples=ai.examples,
                                  anchors=anchors),
            model=ai.model, provider=ai.provider, system=SYSTEM, max_output_tokens=ai.max_output_tokens,
            temperature=ai.temperature, json_schema=records_json_schema(request.schema),
            seed=derived_seed(request.seed, "records", index), kind=request.kind, purpose="records",
            cache_scope=records_scope(request, ai, index, n), cache_policy=request.cache_policy)

    def take_piece(self, index: int, objects: tuple[Any, ...]) -> list[dict[str, Any]]:
        rows = self._keeper.take(objects)
        seen, added = self._pieces.get(index, (0, 0))
        self._pieces[index] = (seen + len(objects), added + len(rows))
        self._tally.kept(self._current, len(rows))
        return rows

    def take(self, outcome: Outcome) -> tuple[list[dict[str, Any]], int]:
        index = outcome.call.index
        asked = self._outstanding.pop(index, outcome.call.asked)
        rows = self._keeper.take(outcome.objects)
        self._keeper.invalid += outcome.broken
        seen, streamed = self._pieces.pop(index, (0, 0))
        added = len(rows) + streamed
        completion = outcome.completion
        if completion is not None:
            self._current = completion.model or self._current
            stats = self.yield_of(self._current)
            stats.asked += asked
            stats.added += added
            self._tally.kept(self._current, len(rows))
            if outcome.truncated and not self.fixed:  # cut at the output limit: ask fewer from now on
                returned = len(outcome.objects) + seen
                self.limit = max(1, min(self.limit - 1, int(returned * 0.8)) if returned else self.limit // 2)
        return rows, added


def first_call(request: GenerationRequest, expand: Expand | None) -> Call | None:
    """The first call an llm run of `request` would make (its prompt with the anchor lines, the system text, the
    reply's JSON schema, the output allowance): what an estimate prices before anything is spent."""
    ai = request.ai or AISettings()
    count = DEFAULT_COUNT if request.count is None else request.count
    if count == 0:
        return None
    job = RecordJob(request, ai, RecordKeeper(request.schema, count), UsageTally(),
                    AnchorStream.for_request(expand, request))
    return job.next_call(0)


class LLMRecords(ModelCalls):
    """Asks the model for records, as many calls in flight as allowed, until the count is met or a stop rule fires."""

    def __init__(self, model: TextModel, tally: UsageTally, clock: Clock, *, expand: Expand | None = None,
                 repair: Repair | None = None) -> None:
        super().__init__(model, tally, clock, repair=repair)
        self._expand = expand

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        ai = request.ai or AISettings()
        count = DEFAULT_COUNT if request.count is None else request.count
        if count == 0:
            return
        keeper = RecordKeeper(request.schema, count)
        job = RecordJob(request, ai, keeper, self._tally, AnchorStream.for_request(self._expand, request))

        def status() -> str:
            return (f"{keeper.kept:,} of {count:,} records written ({keeper.invalid:,} invalid and "
                    f"{counted(keeper.duplicates, 'duplicate record')} dropped)")

        queue = self.work_queue(ai, status, lag_per_slot=LAG_PER_SLOT)
        names = request.schema.names
        runs = queue.run(job)
        try:
            yield from chunks_of(runs, names)
        except ProviderError as error:
            raise self._fatal(error, keeper) from None
        finally:
            runs.close()  # an interrupted reader: the queue counts the calls in flight before the figures are taken
            self._tally.dropped(invalid=keeper.invalid, duplicates=keeper.duplicates)
            self._tally.distinct.update(keeper.distinct_ratios())
            self.note_stop(queue)
            if keeper.surplus:
                self._tally.note(f"{counted(keeper.surplus, 'record')} beyond the count "
                                 f"{'was' if keeper.surplus == 1 else 'were'} not used")

    @staticmethod
    def _fatal(error: ProviderError, keeper: RecordKeeper) -> ProviderError:
        if keeper.kept == 0:
            return error
        return ProviderError(f"{error}; {keeper.kept:,} of {keeper.count:,} records were written",
                             provider=error.provider, status=error.status, keeps_records=True)
