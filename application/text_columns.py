"""Text columns: the engine makes every row, the model writes the fields marked `"llm": "<instruction>"`.

Many rows go into one call, each with its other fields as context (`{"row": 17, "rating": 2, ...}`);
the reply gives the texts by row number. A row the reply left out, or whose text breaks the field
(length, type, a unique text seen before), is asked again in a later call, up to `MAX_ATTEMPTS`
times. Rows come out in the engine's order, as soon as every row before them has its texts. The
WorkQueue runs the calls (as many in flight as allowed, decided in call-index order).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs

from agentic_synth.application.anchors import derived_seed
from agentic_synth.application.keeper import digest
from agentic_synth.application.prompts import SYSTEM, field_json_schema, record_tokens
from agentic_synth.application.sanitize import clean_record
from agentic_synth.application.usage import UsageTally
from agentic_synth.application.work_queue import Call, ModelCalls, Outcome, chunks_of
from agentic_synth.domain.ai.ai_settings import DEFAULT_CONCURRENCY, AISettings
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import CacheScope
from agentic_synth.domain.errors import IncompleteGeneration, UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Field, Schema
from agentic_synth.domain.schema.validation import validate_record

TEMPLATE_VERSION = "text-columns-1"
MAX_ROWS_PER_CALL = 50
MAX_ATTEMPTS = 25  # a safety net only: a model that stops writing is stopped by the no-progress rule first
LAG_PER_SLOT = 2  # decided ahead per slot: low, so a row left out is asked again soon


def text_fields(schema: Schema) -> tuple[Field, ...]:
    """The fields the model writes, named by their path (`review`, `detail.review` inside an object field).

    A field marked `llm` inside an array is refused: a row's texts are asked for by row, and an array
    holds a varying number of items."""
    return tuple(_marked(schema.fields, ""))


def _marked(fields: tuple[Field, ...], prefix: str, in_array: str | None = None) -> Iterator[Field]:
    for f in fields:
        path = f"{prefix}{f.name}"
        if f.llm:
            if in_array is not None:
                raise UsageError(f"schema: {path}: text columns ('llm') are written once per row, and this field is "
                                 f"inside the array '{in_array}'; move it to the row or to an object field (not an "
                                 f"array), or drop 'llm' and let the engine make it")
            yield attrs.evolve(f, name=path)
        elif f.type == "object":
            yield from _marked(f.fields, f"{path}.", in_array)
        elif f.type == "array" and f.items is not None:
            yield from _marked((attrs.evolve(f.items, name="[]"),), path, in_array or path)


def without_text_fields(schema: Schema) -> Schema | None:
    """The schema the engine makes (None when the model writes every field): the marked fields left out, and an
    object field whose fields are all marked left out too (its texts make it whole)."""
    rest = _unmarked(schema.fields)
    return Schema(fields=rest, description=schema.description) if rest else None


def _unmarked(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    out = []
    for f in fields:
        if f.llm:
            continue
        if f.type == "object":
            children = _unmarked(f.fields)
            if not children:
                continue
            f = attrs.evolve(f, fields=children)
        out.append(f)
    return tuple(out)


def place(row: dict[str, Any], path: str, value: Any) -> None:
    """Put a text at its path in an engine row (`detail.review` into row["detail"]); a parent object the engine
    made null stays null (the row has no such object to write into)."""
    *parents, leaf = path.split(".")
    target: Any = row
    for name in parents:
        if name not in target:
            target[name] = {}
        target = target[name]
        if not isinstance(target, dict):
            return
    target[leaf] = value


def rows_per_call(fields: tuple[Field, ...], max_output_tokens: int) -> int:
    """Rows whose texts fit in 70 % of the output limit (1 to MAX_ROWS_PER_CALL)."""
    per_row = record_tokens(fields) + 6
    return max(1, min(MAX_ROWS_PER_CALL, int(max_output_tokens * 0.7) // per_row))


def text_prompt(request: GenerationRequest, fields: tuple[Field, ...], rows: list[tuple[int, dict[str, Any]]],
                description: str | None) -> str:
    wanted = "\n".join(f"- {f.name} ({f.type}{_limits(f)}): {f.llm}" for f in fields)
    about = description or request.schema.description
    lines = "\n".join(json.dumps({"row": number, **context}, ensure_ascii=False, default=str)
                      for number, context in rows)
    example = ", ".join(f'"{f.name}": "..."' for f in fields)
    return "\n\n".join(part for part in [
        f"You write text fields of rows of synthetic {request.kind} data.",
        f"What the data is about: {about}" if about else "",
        f"For each row below write:\n{wanted}",
        "Each text must fit the row's other fields, given with it. Vary wording, length and tone from row to row "
        "as real data would.",
        f"Locale: {request.locale}." if request.locale != "en_US" else "",
        f"Rows:\n{lines}",
        f'Reply with one JSON object: {{"rows": [{{"row": <row number>, {example}}}, ...]}}, one entry per row.',
    ] if part)


def _limits(f: Field) -> str:
    parts = [f"at least {f.min_length} characters" if f.min_length is not None else "",
             f"at most {f.max_length} characters" if f.max_length is not None else "",
             "unique" if f.unique else ""]
    shown = ", ".join(p for p in parts if p)
    return f", {shown}" if shown else ""


def text_json_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    properties = {"row": {"type": "integer"}, **{f.name: field_json_schema(f) for f in fields}}
    row = {"type": "object", "properties": properties, "required": ["row", *(f.name for f in fields)]}
    return {"type": "object", "properties": {"rows": {"type": "array", "items": row}}, "required": ["rows"]}


class TextColumnsJob:
    """Which rows each call covers, and what came back; runs on the WorkQueue's control thread, in order."""

    def __init__(self, request: GenerationRequest, ai: AISettings, rows: Iterator[dict[str, Any]],
                 count: int | None, tally: UsageTally, *, slots: int = 1) -> None:
        self._request, self._ai, self._tally = request, ai, tally
        self.fields = text_fields(request.schema)
        self._single = {f.name: Schema(fields=(attrs.evolve(f, llm=None),)) for f in self.fields}
        self._unique: dict[str, set[int]] = {f.name: set() for f in self.fields if f.unique}
        self._source = rows
        self.count = count  # None: as many rows as the engine makes (time series, events)
        self.per_call = rows_per_call(self.fields, ai.max_output_tokens)
        self._slots = slots  # once every row was asked, the rows asked again are spread over this many calls
        self._context: dict[int, dict[str, Any]] = {}  # row number -> the engine's fields
        self._texts: dict[int, dict[str, Any]] = {}
        self._attempts: dict[int, int] = {}
        self._place: dict[int, int] = {}  # a row's place in the last call that left it out
        self._retry: list[int] = []
        self._outstanding: set[int] = set()  # calls decided and not yet taken
        self._drawn = 0  # rows taken from the engine so far
        self.emitted = 0
        self.rejected = 0

    @property
    def done(self) -> bool:
        return self.count is not None and self.emitted >= self.count

    def next_call(self, index: int) -> Call | None:
        # rows left out most often first, and the end of the last list first: models drop the end of a long list
        self._retry.sort(key=lambda n: (-self._attempts[n], -self._place[n], n))
        size = self.per_call
        if self.count is not None and self._drawn >= self.count:  # the tail: only rows asked again are left
            fuller = max(1, self.per_call // 2)
            if len(self._retry) < fuller and self._outstanding:
                return None  # wait for the calls in flight to bring back theirs: fewer, fuller calls
            size = max(fuller, -(-len(self._retry) // self._slots))
        numbers, self._retry = self._retry[:size], self._retry[size:]
        while len(numbers) < self.per_call and (self.count is None or self._drawn < self.count):
            context = next(self._source, None)
            if context is None:
                self.count = self._drawn  # the engine made fewer rows than asked for (or had no count)
                break
            self._drawn += 1
            self._context[self._drawn] = context
            numbers.append(self._drawn)
        if not numbers:
            return None
        rows = [(n, self._context[n]) for n in numbers]
        ai = self._ai
        prompt = text_prompt(self._request, self.fields, rows, ai.prompt)
        scope = CacheScope(template_version=TEMPLATE_VERSION, schema=self._request.schema, prompt=ai.prompt or "",
                           params={"kind": self._request.kind, "locale": self._request.locale, "rows": numbers},
                           seed=self._request.seed, batch_index=index, batch_size=len(numbers))
        call = ModelRequest(prompt=prompt, model=ai.model, provider=ai.provider, system=SYSTEM,
                            max_output_tokens=ai.max_output_tokens, temperature=ai.temperature,
                            json_schema=text_json_schema(self.fields), seed=derived_seed(self._request.seed, "text",
                                                                                        index),
                            kind=self._request.kind, purpose="text", cache_scope=scope,
                            cache_policy=self._request.cache_policy)
        self._outstanding.add(index)
        return Call(index, len(numbers), call, tuple(numbers))

    def take_piece(self, index: int, objects: tuple[Any, ...]) -> list[dict[str, Any]]:
        return []  # text columns are asked for whole replies

    def take(self, outcome: Outcome) -> tuple[list[dict[str, Any]], int]:
        numbers: tuple[int, ...] = outcome.call.payload
        self._outstanding.discard(outcome.call.index)
        wanted = set(numbers)
        filled = 0
        for raw in outcome.objects:
            item = clean_record(raw, self.fields) if isinstance(raw, dict) else None
            number = item.get("row") if item is not None else None
            if item is not None and number in wanted and number not in self._texts and self._fits(item):
                self._texts[number] = {f.name: item[f.name] for f in self.fields}
                wanted.discard(number)
                filled += 1
            else:
                self.rejected += 1
        for place, number in enumerate(numbers):
            if number in wanted:
                self._place[number] = place
                self._again(number)
        if outcome.completion is not None:
            self._tally.kept(outcome.completion.model, filled)
        return self._ready(), filled

    def _fits(self, item: dict[str, Any]) -> bool:
        for f in self.fields:
            if f.name not in item or validate_record({f.name: item[f.name]}, self._single[f.name]):
                return False
        hashes = {name: digest(item[name]) for name in self._unique}
        if any(h in self._unique[name] for name, h in hashes.items()):
            return False
        for name, h in hashes.items():
            self._unique[name].add(h)
        return True

    def _again(self, number: int) -> None:
        self._attempts[number] = tries = self._attempts.get(number, 1) + 1
        if tries > MAX_ATTEMPTS:
            names = ", ".join(f.name for f in self.fields)
            raise IncompleteGeneration(f"the model did not write {names} of row {number} in {MAX_ATTEMPTS} tries; "
                                       f"{self.emitted} rows written")
        self._retry.append(number)

    def _ready(self) -> list[dict[str, Any]]:
        """The rows from the first one not yet emitted up to the first one still without its texts."""
        out = []
        names = self._request.schema.names
        while (self.emitted + 1) in self._texts:
            number = self.emitted + 1
            row = dict(self._context.pop(number))  # its own dict: rows without engine fields share one
            for path, text in self._texts.pop(number).items():
                place(row, path, text)
            self._attempts.pop(number, None)
            self._place.pop(number, None)
            out.append({name: row.get(name) for name in names})
            self.emitted += 1
        return out


class TextColumns(ModelCalls):
    """Fill the `llm` fields of engine rows with the model's texts, many rows a call."""

    def chunks(self, request: GenerationRequest, engine_rows: Iterator[dict[str, Any]]) -> Iterator[RecordChunk]:
        ai = attrs.evolve(request.ai or AISettings(), stream=False)  # whole replies: rows are matched by number
        job = TextColumnsJob(request, ai, engine_rows, request.count, self._tally,
                             slots=ai.concurrency or DEFAULT_CONCURRENCY)

        def status() -> str:
            of = f" of {request.count:,}" if request.count is not None else ""
            return f"{job.emitted:,}{of} rows written"

        queue = self.work_queue(ai, status, lag_per_slot=LAG_PER_SLOT, unit="texts")
        runs = queue.run(job)
        try:
            yield from chunks_of(runs, request.schema.names)
        finally:
            runs.close()
            self.note_stop(queue)
            if job.rejected:
                self._tally.note(f"text columns: {job.rejected} texts that broke their field or came for no asked "
                                 f"row were asked again")
