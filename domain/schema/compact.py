"""The compact schema format: field specs (a type name, a list of values or an object) parsed into Fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.bounds import count, did_you_mean, number, parse_bounds
from agentic_synth.domain.schema.fields import DATETIME_FORMATS, MODEL_KEYS, Field, freeze
from agentic_synth.domain.schema.patterns import compile_pattern
from agentic_synth.domain.schema.types import (
    ALIASES,
    FIELD_TYPES,
    LOCALES,
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    TEXTUAL_TYPES,
)

# Field-spec keys of the compact format, with the JSON Schema spelling they may also take.
_KEY_ALIASES = {
    "minimum": "min", "maximum": "max", "minLength": "min_length", "maxLength": "max_length",
    "minItems": "min_items", "maxItems": "max_items", "uniqueItems": "unique_items",
    "multipleOf": "multiple_of", "exclusiveMinimum": "exclusive_min", "exclusiveMaximum": "exclusive_max",
    "nullRate": "null_rate", "seriesKey": "series_key", "properties": "fields",
}
_SPEC_KEYS = frozenset({
    "type", "nullable", "null_rate", "unique", "min", "max", "exclusive_min", "exclusive_max",
    "multiple_of", "distribution", "precision", "pattern", "enum", "weights", "const", "format",
    "locale", "after", "fields", "items", "min_items", "max_items", "unique_items", "min_length",
    "max_length", "series_key", "description", "required", "title", "default", "examples", "label",
    "payloads", "population", "skew", "length", "probability", "llm", *MODEL_KEYS,
})
_JSON_SCHEMA_FORMATS = {
    "date-time": "datetime", "date": "date", "time": "time", "email": "email", "uuid": "uuid",
    "uri": "url", "url": "url", "ipv4": "ipv4", "ipv6": "ipv6", "hostname": "domain",
}


def canonical_type(name: Any, path: str) -> str:
    """The canonical name of a type as the user spelled it (aliases, case, dashes)."""
    if not isinstance(name, str):
        raise SchemaError(f"type must be a string, got {name!r}", path)
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in FIELD_TYPES:
        raise SchemaError(f"unknown type '{name}'{did_you_mean(key, [*FIELD_TYPES, *ALIASES])}", path)
    return str(key)


def parse_compact(name: Any, spec: Any, path: str) -> Field:
    """One field of the compact format: a type name, a list of enum values, or an object spec."""
    if not isinstance(name, str) or not name:
        raise SchemaError("field names must be non-empty strings", path or "<root>")
    if isinstance(spec, str):
        return build_field(name, {"type": spec}, path)
    if isinstance(spec, list):
        return build_field(name, {"type": "enum", "enum": spec}, path)
    if isinstance(spec, Mapping):
        if "type" in spec or "enum" in spec or "const" in spec:
            return build_field(name, spec, path)
        if not spec:
            raise SchemaError("empty field spec: give a type, e.g. \"string\"", path)
        return build_field(name, {"type": "object", "fields": spec}, path)
    raise SchemaError(f"a field is a type name, a list of values or an object, got {spec!r}", path)


def _normalise_keys(spec: Mapping[str, Any], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if not isinstance(key, str):
            raise SchemaError(f"option names must be strings, got {key!r}", path)
        canon = _KEY_ALIASES.get(key, key)
        if canon not in _SPEC_KEYS and not key.startswith(("x-", "$")):
            raise SchemaError(f"unknown option '{key}'{did_you_mean(key, _SPEC_KEYS)}", path)
        if canon in out:
            raise SchemaError(f"option '{canon}' is given twice", path)
        if not key.startswith(("x-", "$")):
            out[canon] = value
    return out


def build_field(name: str, raw: Mapping[str, Any], path: str) -> Field:
    """A Field from a spec object (compact or JSON Schema spelling); SchemaError names the path."""
    spec = _normalise_keys(raw, path)
    type_value = spec.pop("type", None)
    nullable = _flag(spec, "nullable", path)
    if isinstance(type_value, list):  # JSON Schema type lists such as ["string", "null"]
        kinds = [t for t in type_value if t != "null"]
        nullable = nullable or len(kinds) < len(type_value)
        if len(kinds) != 1:
            raise SchemaError(f"a type list must name exactly one non-null type, got {type_value!r}", path)
        type_value = kinds[0]
    if type_value is None:
        type_value = "enum" if "enum" in spec else "const"
    kind = canonical_type(type_value, path)
    if kind == "string" and spec.get("format") in _JSON_SCHEMA_FORMATS:
        kind = _JSON_SCHEMA_FORMATS[spec.pop("format")]
    if "enum" in spec and kind not in ("enum", "const"):
        kind = "enum"  # a typed enum (JSON Schema {"type": "string", "enum": [...]}) is an enum
    kw: dict[str, Any] = {"name": name, "type": kind, "nullable": nullable}
    _parse_nulls(spec, kw, path)
    parse_bounds(kind, spec, kw, path)
    _parse_enum(kind, spec, kw, path)
    _parse_structure(kind, spec, kw, path)
    _parse_misc(kind, spec, kw, path)
    return Field(**kw)

def _parse_nulls(spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    if "null_rate" in spec:
        rate = number(spec.pop("null_rate"), "null_rate", path)
        if not 0 <= rate <= 1:
            raise SchemaError(f"null_rate must be between 0 and 1, got {rate}", path)
        kw["nullable"] = kw["nullable"] or rate > 0
        kw["null_rate"] = float(rate)
    elif kw["nullable"]:
        kw["null_rate"] = 0.1
    kw["unique"] = _flag(spec, "unique", path)
    if "required" in spec:
        kw["required"] = _flag(spec, "required", path)


def _flag(spec: dict[str, Any], key: str, path: str) -> bool:
    value = spec.pop(key, False)
    if not isinstance(value, bool):
        raise SchemaError(f"{key} must be true or false, got {value!r}", path)
    return value


def _parse_enum(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    if "const" in spec:
        kw["const"], kw["has_const"] = freeze(spec.pop("const")), True  # hashable, as enum values
        if kind not in ("const", "enum"):
            kw["type"] = "const"
    values = spec.pop("enum", None)
    weights = spec.pop("weights", None)
    if kind == "enum":
        if not isinstance(values, list | tuple) or not values:
            raise SchemaError("an enum needs a non-empty list of values under 'enum'", path)
        kw["values"] = tuple(freeze(v) for v in values)
    elif kind == "const" and not kw.get("has_const"):
        raise SchemaError("a const field needs a 'const' value", path)
    elif values is not None:
        raise SchemaError(f"'enum' does not apply to type '{kind}'", path)
    if weights is not None:
        if kind != "enum":
            raise SchemaError("weights apply to enum fields", path)
        if not isinstance(weights, list | tuple) or len(weights) != len(kw["values"]):
            raise SchemaError(f"weights must be a list of {len(kw['values'])} numbers, one per enum value", path)
        ws = [number(w, "each weight", path) for w in weights]
        if any(w < 0 for w in ws) or sum(ws) <= 0:
            raise SchemaError("weights must be >= 0 and not all 0", path)
        total = float(sum(ws))
        kw["weights"] = tuple(w / total for w in ws)


def _parse_structure(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    fields = spec.pop("fields", None)
    if kind == "object":
        if not isinstance(fields, Mapping) or not fields:
            raise SchemaError("an object needs its fields under 'fields' (or 'properties')", path)
        kw["fields"] = tuple(parse_compact(n, s, f"{path}.{n}") for n, s in fields.items())
        check_siblings(kw["fields"], path)
    elif fields is not None:
        raise SchemaError(f"'fields' does not apply to type '{kind}'", path)
    items = spec.pop("items", None)
    for key in ("min_items", "max_items"):
        if key in spec:
            if kind != "array":
                raise SchemaError(f"'{key}' applies to arrays", path)
            kw[key] = count(spec.pop(key), key, path)
    if kind == "array":
        if items is None:
            raise SchemaError("an array needs 'items', e.g. \"items\": \"string\"", path)
        kw["items"] = parse_compact("items", items, f"{path}.items")
        if "max_items" not in kw and kw.get("min_items", 0) > 5:
            kw["max_items"] = kw["min_items"]
        if kw.get("min_items", 0) > kw.get("max_items", 5):
            raise SchemaError(f"min_items ({kw['min_items']}) is greater than max_items ({kw['max_items']})", path)
        kw["unique_items"] = bool(spec.pop("unique_items", False))
    elif items is not None:
        raise SchemaError(f"'items' does not apply to type '{kind}'", path)


def _parse_misc(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    for key in ("min_length", "max_length"):
        if key in spec:
            if kind not in TEXTUAL_TYPES:
                raise SchemaError(f"'{key}' applies to text fields, not to type '{kind}'", path)
            kw[key] = count(spec.pop(key), key, path)
    if kw.get("max_length") == 0 and kind != "string":
        raise SchemaError(f"max_length 0 leaves only the empty string, which is not a {kind}", path)
    if kw.get("min_length") is not None and kw.get("max_length") is not None and kw["min_length"] > kw["max_length"]:
        raise SchemaError(f"min_length ({kw['min_length']}) is greater than max_length ({kw['max_length']})", path)
    if "pattern" in spec:
        pattern = spec.pop("pattern")
        if kind not in TEXTUAL_TYPES:
            raise SchemaError(f"'pattern' applies to text fields, not to type '{kind}'", path)
        try:
            compile_pattern(pattern)
        except (re.error, TypeError) as exc:
            raise SchemaError(f"pattern {pattern!r} is not a valid regular expression: {exc}", path) from None
        kw["pattern"] = pattern
    if "format" in spec:
        fmt = spec.pop("format")
        if kind == "datetime" and fmt not in DATETIME_FORMATS and "%" not in str(fmt):
            raise SchemaError(f"format '{fmt}' is not one of {', '.join(DATETIME_FORMATS)} or a strftime pattern", path)
        kw["format"] = fmt
    if "locale" in spec:
        locale = spec.pop("locale")
        if locale not in LOCALES:
            raise SchemaError(f"locale '{locale}' is not one of {', '.join(LOCALES)}", path)
        kw["locale"] = locale
    if "after" in spec:
        after = spec.pop("after")
        if kind not in TEMPORAL_TYPES - {"time"} or not isinstance(after, str):
            raise SchemaError("'after' names another date or datetime field and applies to date/datetime fields", path)
        kw["after"] = after
    if "length" in spec and (kind != "token" or count(spec["length"], "length", path) < 1):
        raise SchemaError("'length' applies to token fields and must be at least 1", path)
    if "probability" in spec:
        chance = number(spec["probability"], "probability", path)
        if kind != "boolean" or not 0 <= chance <= 1:
            raise SchemaError("'probability' (of true) applies to boolean fields and lies between 0 and 1", path)
    kw["series_key"] = bool(spec.pop("series_key", False))
    if "llm" in spec:  # a text column: the model writes it per row, given the row's other fields
        instruction = spec.pop("llm")
        if kind not in TEXTUAL_TYPES or not isinstance(instruction, str) or not instruction.strip():
            raise SchemaError("'llm' is an instruction (non-empty text) for a text field the model writes", path)
        kw["llm"] = instruction.strip()
    desc = spec.pop("description", None)
    kw["description"] = str(desc) if desc is not None else None
    model = {k: spec.pop(k) for k in MODEL_KEYS if k in spec}
    if model and kind not in NUMERIC_TYPES:
        raise SchemaError(f"{', '.join(model)} apply to numeric fields, not to type '{kind}'", path)
    kw["model"] = tuple((k, freeze(v)) for k, v in model.items())
    for ignored in ("title", "default", "examples"):
        spec.pop(ignored, None)
    kw["extras"] = tuple((k, freeze(v)) for k, v in spec.items())


def check_siblings(fields: tuple[Field, ...], path: str) -> None:
    """Fields that name a sibling with `after` must name an existing, comparable, acyclic one."""
    names = [f.name for f in fields]
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.after is None:
            continue
        where = f"{path}.{f.name}" if path else f.name
        other = by_name.get(f.after)
        if f.after == f.name:
            raise SchemaError("'after' names the field itself; name the sibling this field follows", where)
        if other is None:
            hint = did_you_mean(f.after, names)
            raise SchemaError(f"'after' names '{f.after}', which is not a field here{hint}", where)
        if other.type != f.type:
            raise SchemaError(f"'after' needs '{f.after}' to be a {f.type} field like this one, "
                              f"it is {other.type}", where)
        if f.max is not None and other.max is not None and other.max >= f.max:
            raise SchemaError(f"max ({f.max.isoformat()}) must be later than the max of '{f.after}' "
                              f"({other.max.isoformat()}), since this field comes after it", where)
        if names.index(f.after) > names.index(f.name) and other.after == f.name:
            raise SchemaError(f"'after' makes a cycle between '{f.name}' and '{f.after}'", where)


def parse_fields(payload: Any, path: str) -> tuple[Field, ...]:
    """Fields of a compact-format object found inside another spec (errors name `path`.field)."""
    if not isinstance(payload, Mapping) or not payload:
        raise SchemaError("expected an object of fields", path)
    fields = tuple(parse_compact(name, spec, f"{path}.{name}") for name, spec in payload.items())
    check_siblings(fields, path)
    return fields
