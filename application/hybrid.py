"""The hybrid mode: the model writes value pools and parameters once; the engine expands them at engine speed.

The number of calls depends on the schema (one for all parameters, one per text field that gets
a vocabulary), never on the count: 1,000,000 records cost the same few calls as 100. Time series
and events in llm mode work this way too: the model proposes the generator's parameters, the
engine makes the points (a model is never asked to count time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from agentic_synth.application.plans import (
    EVENT_KINDS,
    POOL_SCHEMA,
    apply,
    parameters_prompt,
    planned_rate,
    pool_prompt,
    targets,
)
from agentic_synth.application.prompts import SYSTEM
from agentic_synth.application.replies import Repair, parse_object
from agentic_synth.application.text_columns import TextColumns, text_fields, without_text_fields
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.workers import DaemonPool
from agentic_synth.domain.ai.ai_settings import DEFAULT_CONCURRENCY, AISettings
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.counts import counted
from agentic_synth.domain.errors import AgenticSynthError, ProviderError, UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.ports import Clock, TextModel

Expand = Callable[[GenerationRequest], Iterator[RecordChunk]]
_PLAN_TOKENS = 4096


@attrs.frozen
class Plan:
    """What the model decided: the filled-in request to expand, and a note per decision."""

    request: GenerationRequest
    calls: int
    notes: tuple[str, ...]
    applied: Mapping[str, Any] = attrs.field(factory=dict)  # field path -> what the plan set for it


class HybridRecords:
    """Plan with the model (a constant number of calls), then expand with the engine's generator."""

    def __init__(self, model: TextModel, tally: UsageTally, expand: Expand, *, clock: Clock | None = None,
                 repair: Repair | None = None) -> None:
        self._model = model
        self._tally = tally
        self._expand = expand
        self._clock = clock
        self._repair = repair

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        """The plan expanded by the engine; fields marked `llm` are then written by the model, row by row."""
        if not text_fields(request.schema):
            yield from self._expand(self._planned(request))
            return
        if self._clock is None:
            raise UsageError("text columns (fields marked 'llm') need a clock to run their calls")
        base = without_text_fields(request.schema)
        if base is None:  # the model writes every field: rows without context
            rows: Iterator[dict[str, Any]] = iter([{}] * (10 if request.count is None else request.count))
        else:
            planned = self._planned(attrs.evolve(request, schema=base))
            rows = (row for chunk in self._expand(planned) for row in chunk.rows())
        columns = TextColumns(self._model, self._tally, self._clock, repair=self._repair)
        yield from columns.chunks(request, rows)

    def _planned(self, request: GenerationRequest) -> GenerationRequest:
        plan = self.plan(request)
        for note in plan.notes:
            self._tally.note(note)
        self._tally.plan.update(plan.applied)
        return plan.request

    def plan(self, request: GenerationRequest) -> Plan:
        ai = request.ai or AISettings()
        wanted = targets(request)
        params = [t for t in wanted if t.what != "pool"]
        pools = [t for t in wanted if t.what == "pool"]
        ask_rate = request.kind in EVENT_KINDS and "rate" not in ai.given_options
        calls: list[tuple[str, ModelRequest]] = []
        if params or ask_rate:
            calls.append(("parameters", self._call(request, ai, parameters_prompt(request, params, ai.prompt, ask_rate),
                                                   None, "parameters")))
        for t in pools:
            calls.append((t.path, self._call(request, ai, pool_prompt(request, t, ai.pool_size, ai.prompt),
                                             POOL_SCHEMA, f"pool:{t.path}")))
        replies = self._run(calls, ai)
        proposals: dict[str, Any] = {}
        options: dict[str, Any] = {}
        params_reply = replies.get("parameters") or {}
        fields = params_reply.get("fields")
        if isinstance(fields, dict):
            proposals.update({t.path: fields[t.path] for t in params if t.path in fields})
        if ask_rate and planned_rate(params_reply.get("rate")) is not None:
            options["rate"] = planned_rate(params_reply.get("rate"))
        proposals.update({t.path: (replies.get(t.path) or {}).get("values") for t in pools})
        schema, notes, applied = apply(request, proposals, wanted)
        if "rate" in options:
            notes.append(f"rate: {options['rate']} from the model")
            applied["rate"] = options["rate"]
        elif ask_rate:
            notes.append("rate: the model proposed no usable rate; the engine's default is kept")
        expanded = attrs.evolve(request, schema=schema, options={**request.options, **options}, mode="engine",
                                ai=None)
        return Plan(request=expanded, calls=len(calls),
                    notes=(f"hybrid plan: {counted(len(calls), 'model call')}", *notes), applied=applied)

    @staticmethod
    def _call(request: GenerationRequest, ai: AISettings, prompt: str, schema: dict[str, Any] | None,
              scope: str) -> ModelRequest:
        return ModelRequest(prompt=prompt, model=ai.model, provider=ai.provider, system=SYSTEM,
                            max_output_tokens=min(ai.max_output_tokens, _PLAN_TOKENS) if schema is None
                            else ai.max_output_tokens, temperature=ai.temperature, json_schema=schema,
                            seed=request.seed % 2**31, kind=request.kind, purpose="plan",
                            cache_scope=f"seed={request.seed};{scope}", cache_policy=request.cache_policy)

    def _run(self, calls: list[tuple[str, ModelRequest]], ai: AISettings) -> dict[str, dict[str, Any]]:
        """All plan calls, concurrently; the parsed JSON object of each reply by name."""
        if not calls:
            return {}
        name = ai.model or "auto"
        with DaemonPool(min(ai.concurrency or DEFAULT_CONCURRENCY, len(calls)), "agentic-synth-plan") as pool:
            futures = {key: pool.submit(self._model.complete, call) for key, call in calls}
            out: dict[str, dict[str, Any]] = {}
            for key, future in futures.items():
                try:
                    completion = future.result()
                except AgenticSynthError as error:
                    if isinstance(error, ProviderError):
                        self._tally.failure(name)
                    for other in futures.values():
                        other.cancel()
                    raise
                except Exception as error:  # an unexpected SDK error: one clear line, like llm mode
                    self._tally.failure(name)
                    for other in futures.values():
                        other.cancel()
                    raise ProviderError(f"{name}: {type(error).__name__}: {error}", retryable=False) from error
                self._tally.call(completion)
                out[key] = parse_object(completion.text, self._repair) or {}
        return out
