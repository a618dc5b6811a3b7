"""Hybrid plans: which fields the model parameterises, the prompts that ask for it, and applying the answer.

A plan only fills in what the user's schema leaves open (an enum without weights, a number
without a range, a time series without a model, a text field without a vocabulary); whatever
the user wrote wins. Every change is re-parsed by the schema parser and dropped if it breaks it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from agentic_synth.application.sanitize import clean_record
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.generation.requests import GenerationRequest, parse_duration, parse_rate
from agentic_synth.domain.schema.schema import Field, Schema, thaw
from agentic_synth.domain.schema.types import NUMERIC_TYPES, TEXTUAL_TYPES
from agentic_synth.domain.schema.validation import validate_record

POOL_TYPES = frozenset({"string", "word", "sentence", "paragraph", "product_name", "company", "job"})
SERIES_KINDS = frozenset({"timeseries"})
EVENT_KINDS = frozenset({"events"})
_SERIES_KEYS = ("base", "trend", "seasonality", "noise")


@attrs.frozen
class Target:
    """A field the plan fills in: its dotted path, the field, and what to ask for ('pool', 'weights', ...)."""

    path: str
    field: Field
    what: str


def targets(request: GenerationRequest) -> list[Target]:
    """The fields whose values the model should shape, for this kind."""
    return list(_walk(request.schema.fields, "", request.kind))


def _walk(fields: tuple[Field, ...], prefix: str, kind: str) -> Iterator[Target]:
    for f in sorted(fields, key=lambda f: f.name):  # canonical order: a reordered schema plans alike
        path = f"{prefix}{f.name}"
        if f.llm:
            continue  # written by the model row by row (text columns), not planned
        if f.type == "object":
            yield from _walk(f.fields, f"{path}.", kind)
        elif f.type == "enum" and f.weights is None and len(f.values) > 1:
            yield Target(path, f, "weights")
        elif f.type in NUMERIC_TYPES and f.type not in ("latitude", "longitude") and not f.unique:
            if kind in SERIES_KINDS and not f.model:
                yield Target(path, f, "series")
            elif kind not in SERIES_KINDS and (f.min is None or f.max is None or f.distribution is None):
                yield Target(path, f, "range")
        elif (f.type in POOL_TYPES or (f.type in TEXTUAL_TYPES and f.description)) \
                and not f.unique and not f.pattern:
            yield Target(path, f, "pool")


def _describe(t: Target) -> str:
    f = t.field
    if t.what == "weights":
        return f'"{t.path}": {{"weights": {{value: share}}}} for the values {json.dumps([thaw(v) for v in f.values])}'
    if t.what == "series":
        return (f'"{t.path}" ({f.type} measured over time): {{"base": level, '
                '"trend": {"change": amount, "per": "1d"}, '
                '"seasonality": [{"period": "1d", "amplitude": amount}], "noise": {"std": amount}}')
    bounds = "".join(f", {k} {v}" for k, v in (("min", f.min), ("max", f.max)) if v is not None)
    return f'"{t.path}" ({f.type}{bounds}): {{"min": n, "max": n, "mean": n, "std": n}}'


def parameters_prompt(request: GenerationRequest, wanted: list[Target], description: str | None,
                      ask_rate: bool) -> str:
    parts = [f"You configure a synthetic data generator for {request.kind} data.",
             f"What the data is about: {description or request.schema.description or 'not stated; be realistic'}",
             "Schema (compact form): " + json.dumps(request.schema.to_payload(), sort_keys=True, default=str),
             "Propose realistic parameters for these fields:"]
    parts.extend(f"- {_describe(t)}" for t in wanted)
    if ask_rate:
        parts.append('- "rate": how many events arrive, such as "120/min" or "3/sec"')
    parts.append('Reply with one JSON object: {"fields": {"<field path>": {...}, ...}' +
                 (', "rate": "..."}' if ask_rate else "}"))
    return "\n".join(parts)


def pool_prompt(request: GenerationRequest, t: Target, size: int, description: str | None) -> str:
    f = t.field
    limits = [f"at least {f.min_length} characters" if f.min_length is not None else "",
              f"at most {f.max_length} characters" if f.max_length is not None else ""]
    shown = ", ".join(x for x in limits if x)
    return "\n".join(x for x in [
        f'Write {size} distinct, realistic values for the field "{t.path}" (type {f.type}'
        + (f": {f.description}" if f.description else "") + f") of synthetic {request.kind} records.",
        f"What the data is about: {description or request.schema.description or 'not stated; be realistic'}",
        f"Each value: {shown}." if shown else "",
        f"Locale: {request.locale}." if request.locale != "en_US" else "",
        "Vary length, tone and content as real data would.",
        'Reply with one JSON object: {"values": ["...", ...]}',
    ] if x)


POOL_SCHEMA = {"type": "object", "properties": {"values": {"type": "array", "items": {"type": "string"}}},
               "required": ["values"]}


def good_pool(t: Target, values: Any) -> list[Any]:
    """The distinct values that satisfy the field on their own."""
    if not isinstance(values, list):
        return []
    single = Schema(fields=(attrs.evolve(t.field, nullable=False, required=True),))
    out: list[Any] = []
    for raw in values:
        cleaned = clean_record({t.field.name: raw}, single.fields)  # model output is data (application/sanitize.py)
        if cleaned is None:
            continue
        value = cleaned[t.field.name]
        if value not in out and not validate_record({t.field.name: value}, single):
            out.append(value)
    return out


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _spec_at(payload: dict[str, Any], path: str) -> dict[str, Any]:
    names = path.split(".")
    spec = payload[names[0]]
    for name in names[1:]:
        spec = spec["fields"][name]
    return spec  # type: ignore[no-any-return]


def change_for(t: Target, proposal: Any, spec: Mapping[str, Any]) -> dict[str, Any] | None:
    """The new field spec the proposal makes, or None when it proposes nothing usable."""
    f = t.field
    if t.what == "pool":
        values = good_pool(t, proposal)
        if len(values) < 2:
            return None
        keep = {k: spec[k] for k in ("nullable", "null_rate", "description", "required") if k in spec}
        return {**keep, "type": "enum", "enum": values}
    if not isinstance(proposal, Mapping):
        return None
    if t.what == "weights":
        shares = proposal.get("weights", proposal)
        if not isinstance(shares, Mapping):
            return None
        weights = [shares.get(str(thaw(v)), 0) for v in f.values]
        if not all(_finite(w) and w >= 0 for w in weights) or sum(weights) <= 0:
            return None
        return {**spec, "weights": weights}
    if t.what == "series":
        model = {k: proposal[k] for k in _SERIES_KEYS if k in proposal and _series_part(k, proposal[k])}
        return {**spec, **model} if model else None
    return _range(f, proposal, dict(spec))


def _series_part(key: str, value: Any) -> bool:
    try:
        if key == "base":
            return _finite(value)
        if key == "trend":
            return (isinstance(value, Mapping) and _finite(value.get("change"))
                    and parse_duration(value.get("per", "1d")) > 0)
        if key == "noise":
            return isinstance(value, Mapping) and _finite(value.get("std")) and value["std"] >= 0
        return isinstance(value, list) and bool(value) and all(
            isinstance(s, Mapping) and _finite(s.get("amplitude")) and parse_duration(s.get("period")) > 0
            for s in value)
    except UsageError:
        return False


def _range(f: Field, proposal: Mapping[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    lo: Any = proposal.get("min")
    hi: Any = proposal.get("max")
    if f.min is None and _finite(lo):
        spec["min"] = math.ceil(lo) if f.type == "integer" else lo
    if f.max is None and _finite(hi):
        spec["max"] = math.floor(hi) if f.type == "integer" else hi
    mean: Any = proposal.get("mean")
    std: Any = proposal.get("std")
    if f.distribution is None and _finite(mean) and _finite(std) and std > 0:
        low, high = spec.get("min", -math.inf), spec.get("max", math.inf)
        spec["distribution"] = {"kind": "normal", "mean": min(max(mean, low), high), "std": std}
    return spec


def apply(request: GenerationRequest, proposals: Mapping[str, Any],
          wanted: list[Target]) -> tuple[Schema, list[str], dict[str, Any]]:
    """The schema with every usable proposal applied, a note per field (the values applied, or why none
    were), and the applied values by field path (for the run's metadata)."""
    payload = request.schema.to_payload()
    schema, notes, applied = request.schema, [], {}
    for t in wanted:
        if t.path not in proposals:  # the reply was unusable, or left this field out
            notes.append(f"{t.path}: the model proposed no {t.what}; the engine's default is kept")
            continue
        spec = _spec_at(payload, t.path)
        old = dict(spec)
        new = change_for(t, proposals[t.path], spec)
        changed = {k: v for k, v in (new or {}).items() if old.get(k) != v}
        if new is None or not changed:
            notes.append(f"{t.path}: the model's {t.what} was unusable; the engine's default is kept")
            continue
        spec.clear()
        spec.update(new)
        try:
            schema = Schema.from_payload(payload)
        except SchemaError as error:
            spec.clear()
            spec.update(old)
            notes.append(f"{t.path}: the model's {t.what} did not fit the schema ({error}); kept the default")
            continue
        applied[t.path] = changed
        notes.append(f"{t.path}: {t.what} from the model: {_shown(t, changed)}")
    return schema, notes, applied


def _shown(t: Target, changed: Mapping[str, Any]) -> str:
    """The applied values, short enough for one line."""
    if t.what == "pool":
        values = list(changed.get("enum", []))
        head = ", ".join(json.dumps(v, ensure_ascii=False) for v in values[:3])
        return f"{len(values)} values ({head}{', ...' if len(values) > 3 else ''})"
    if t.what == "weights":
        return ", ".join(f"{thaw(v)} {w:g}" for v, w in zip(t.field.values, changed["weights"], strict=False))
    text = json.dumps(changed, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def planned_rate(proposal: Any) -> str | None:
    """The event rate the model proposed, when it parses."""
    try:
        parse_rate(proposal)
    except UsageError:
        return None
    return str(proposal)
