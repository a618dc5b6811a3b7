"""The context builder: kind + schema + options + description + examples -> a prompt and a JSON schema."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.cache.keys import CacheScope
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Field, Schema, thaw

SYSTEM = ("You generate realistic, varied synthetic data for software testing. Reply with JSON only, "
          "no prose and no code fences.")
MAX_BATCH = 50
ANCHOR_HEADING = ("Record N takes the values on line N exactly as given (drawn for it in advance); "
                  "write its other fields to fit them:")
_FORMATS = {"email": "email", "uuid": "uuid", "datetime": "date-time", "date": "date", "time": "time",
            "url": "uri", "ipv4": "ipv4", "ipv6": "ipv6", "domain": "hostname"}
_HINTS = {
    "datetime": "ISO-8601 date-time with a zone, e.g. 2024-05-01T12:30:00Z", "date": "ISO-8601 date (YYYY-MM-DD)",
    "time": "ISO-8601 time (HH:MM:SS)", "uuid": "a random UUID", "iban": "an IBAN with correct check digits",
    "currency": "an ISO 4217 code such as EUR", "country_code": "an ISO 3166 alpha-2 code such as DE",
    "color": "a hex colour such as #1a2b3c", "url": "an http(s) URL", "token": "letters, digits and ._-+=/$ only",
}
# Rough output tokens per value of a type (JSON punctuation included); used to size batches.
_TOKENS = {"paragraph": 90, "sentence": 25, "address": 14, "product_name": 8, "uuid": 16, "datetime": 12,
           "email": 10, "url": 14, "iban": 12, "string": 10, "object": 2, "array": 2}


def canonical_order(fields: Sequence[Field]) -> list[Field]:
    """Fields by name: prompts and JSON schemas are rendered in this order, so that the same schema
    with its keys in another order asks the same question (and hits the same cache entries)."""
    return sorted(fields, key=lambda f: f.name)


def field_json_schema(f: Field) -> dict[str, Any]:
    """One field as JSON Schema (for structured output); nullable fields also allow null."""
    out: dict[str, Any]
    if f.type in ("integer", "number", "amount", "latitude", "longitude"):
        out = {"type": "integer" if f.type == "integer" else "number"}
        if f.min is not None:
            out["minimum"] = f.min
        if f.max is not None:
            out["maximum"] = f.max
    elif f.type == "boolean":
        out = {"type": "boolean"}
    elif f.type == "enum":
        out = {"enum": [thaw(v) for v in f.values]}
    elif f.type == "const":
        out = {"const": thaw(f.const)}
    elif f.type == "object":
        children = canonical_order(f.fields)
        out = {"type": "object", "properties": {c.name: field_json_schema(c) for c in children},
               "required": [c.name for c in children if c.required]}
    elif f.type == "array":
        assert f.items is not None
        out = {"type": "array", "items": field_json_schema(f.items), "minItems": f.min_items,
               "maxItems": f.max_items}
    else:
        out = {"type": "string"}
        if f.type in _FORMATS:
            out["format"] = _FORMATS[f.type]
        if f.min_length is not None:
            out["minLength"] = f.min_length
        if f.max_length is not None:
            out["maxLength"] = f.max_length
        if f.pattern:
            out["pattern"] = f.pattern
    if f.description:
        out["description"] = f.description
    if f.nullable and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def records_json_schema(schema: Schema) -> dict[str, Any]:
    """`{"records": [record, ...]}` as JSON Schema."""
    fields = canonical_order(schema.fields)
    record = {"type": "object", "properties": {f.name: field_json_schema(f) for f in fields},
              "required": [f.name for f in fields if f.required]}
    return {"type": "object", "properties": {"records": {"type": "array", "items": record}}, "required": ["records"]}


def record_tokens(fields: Sequence[Field]) -> int:
    """Estimated output tokens of one record."""
    total = 2
    for f in fields:
        value = _TOKENS.get(f.type, 6)
        if f.type == "object":
            value += record_tokens(f.fields)
        elif f.type == "array" and f.items is not None:
            value += (f.min_items + f.max_items) // 2 * record_tokens((f.items,))
        elif f.type == "enum":
            value = max(len(json.dumps(thaw(v))) for v in f.values) // 3 + 2
        if f.max_length is not None:
            value = min(value, f.max_length // 3 + 3)
        total += value + len(f.name) // 4 + 2
    return total


def batch_size(schema: Schema, max_output_tokens: int, asked: int | None = None) -> int:
    """Records per call: as given, else what fits in 70 % of the output limit (1 to MAX_BATCH)."""
    if asked is not None:
        return asked
    return max(1, min(MAX_BATCH, int(max_output_tokens * 0.7) // record_tokens(schema.fields)))


def _hints(fields: Sequence[Field], prefix: str = "") -> list[str]:
    out = []
    for f in canonical_order(fields):
        path = f"{prefix}{f.name}"
        if f.type in _HINTS:
            out.append(f"- {path}: {_HINTS[f.type]}")
        if f.llm:
            out.append(f"- {path}: {f.llm}")
        if f.unique:
            out.append(f"- {path}: unique, never repeat a value")
        if f.after:
            out.append(f"- {path}: later than {prefix}{f.after}")
        if f.type == "object":
            out.extend(_hints(f.fields, f"{path}."))
    return out


def records_prompt(request: GenerationRequest, n: int, *, batch: int = 0, description: str | None = None,
                   examples: Sequence[Mapping[str, Any]] = (), anchors: Sequence[Mapping[str, Any]] = ()) -> str:
    """Ask for `n` records of the request's kind and schema, with the description, few-shot examples and,
    per record, the values the engine drew for it (`anchors`: one line each, the model writes the rest)."""
    schema_text = json.dumps(request.schema.to_payload(), ensure_ascii=False, sort_keys=True)
    parts = [f"Generate {n} distinct, realistic {request.kind} records."]
    if description or request.schema.description:
        parts.append(f"What the data is about: {description or request.schema.description}")
    if request.options:
        parts.append(f"Generation options: {json.dumps(dict(request.options), default=str, sort_keys=True)}")
    parts.append("Each record is a JSON object with exactly these fields and no others (compact schema: "
                 "'type' is the field type; min/max are inclusive bounds; 'enum' lists the only allowed values; "
                 "nullable fields may be null):")
    parts.append(schema_text)
    hints = _hints(request.schema.fields)
    if hints:
        parts.append("Value rules:\n" + "\n".join(hints))
    if request.locale != "en_US":
        parts.append(f"Locale for names, addresses and text: {request.locale}.")
    if examples:
        shown = "\n".join(json.dumps(e, ensure_ascii=False, default=str) for e in examples[:5])
        parts.append(f"Examples of good records (match their style, do not copy them):\n{shown}")
    if anchors:
        lines = "\n".join(f"{i}. {json.dumps(dict(a), ensure_ascii=False, sort_keys=True, default=str)}"
                          for i, a in enumerate(anchors, 1))
        parts.append(f"{ANCHOR_HEADING}\n{lines}")
    parts.append(f"This is batch {batch + 1}; make it different from other batches.")
    parts.append(f'Reply with one JSON object: {{"records": [ ...exactly {n} records... ]}}')
    return "\n\n".join(parts)


TEMPLATE_VERSION = "records-3"  # change it when the prompts change: cached replies then miss


def records_scope(request: GenerationRequest, ai: AISettings, batch: int, n: int) -> CacheScope:
    """What a records call is part of, for the cache key (the aggressive policy reuses batches by it)."""
    return CacheScope(template_version=TEMPLATE_VERSION, schema=request.schema, prompt=ai.prompt or "",
                      examples=[dict(e) for e in ai.examples],
                      params={"kind": request.kind, "locale": request.locale, "options": dict(request.options)},
                      seed=request.seed, batch_index=batch, batch_size=n, count=request.count)
