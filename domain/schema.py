"""Schema and Field: the user's description of a record, parsed from the compact format or JSON Schema."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.types import (
    ALIASES,
    FIELD_TYPES,
    LOCALES,
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    TEXTUAL_TYPES,
)

_MISSING = object()

DISTRIBUTIONS = ("uniform", "normal", "lognormal", "exponential", "poisson")
DATETIME_FORMATS = ("iso", "epoch", "epoch_ms")
# Time-series model keys live on numeric fields; the time-series generator interprets them.
MODEL_KEYS = ("base", "trend", "seasonality", "noise", "walk", "anomalies", "missing")

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
    "payloads", "population", "skew", "length", "probability", *MODEL_KEYS,
})
_IGNORED_JSON_SCHEMA_KEYS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                                       "examples", "additionalProperties", "definitions", "$defs"})
_JSON_SCHEMA_FORMATS = {
    "date-time": "datetime", "date": "date", "time": "time", "email": "email", "uuid": "uuid",
    "uri": "url", "url": "url", "ipv4": "ipv4", "ipv6": "ipv6", "hostname": "domain",
}


def _freeze(value: Any) -> Any:
    """Turn nested dicts/lists into hashable tuples so a Field stays a frozen value."""
    if isinstance(value, Mapping):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of the freezing applied to free-form options (a tuple of pairs becomes a dict)."""
    if isinstance(value, tuple):
        if value and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value):
            return {k: thaw(v) for k, v in value}
        return [thaw(v) for v in value]
    return value


@attrs.frozen
class Distribution:
    """How a numeric field's values are spread between its bounds."""

    kind: str = "uniform"
    mean: float | None = None
    std: float | None = None
    sigma: float | None = None
    scale: float | None = None
    lam: float | None = None


@attrs.frozen
class Field:
    """One field of a record; `type` is a canonical name from `domain.types.FIELD_TYPES`."""

    name: str
    type: str
    nullable: bool = False
    null_rate: float = 0.0
    unique: bool = False
    required: bool = True
    min: Any = None
    max: Any = None
    exclusive_min: bool = False
    exclusive_max: bool = False
    multiple_of: float | None = None
    distribution: Distribution | None = None
    precision: int | None = None
    pattern: str | None = None
    values: tuple[Any, ...] = ()
    weights: tuple[float, ...] | None = None
    const: Any = None
    has_const: bool = False
    format: str | None = None
    locale: str | None = None
    after: str | None = None
    fields: tuple[Field, ...] = ()
    items: Field | None = None
    min_items: int = 0
    max_items: int = 5
    unique_items: bool = False
    min_length: int | None = None
    max_length: int | None = None
    series_key: bool = False
    description: str | None = None
    model: tuple[tuple[str, Any], ...] = ()
    extras: tuple[tuple[str, Any], ...] = ()

    def option(self, key: str, default: Any = None) -> Any:
        """A time-series model key or an extra option, thawed back to plain dicts/lists."""
        for k, v in (*self.model, *self.extras):
            if k == key:
                return thaw(v)
        return default

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def is_temporal(self) -> bool:
        return self.type in TEMPORAL_TYPES


@attrs.frozen
class Schema:
    """An ordered set of fields: the shape of every generated record."""

    fields: tuple[Field, ...]
    description: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def first_of_type(self, *types: str) -> Field | None:
        return next((f for f in self.fields if f.type in types), None)

    @classmethod
    def from_payload(cls, payload: Any) -> Schema:
        """Parse the compact format or a JSON Schema object; raise SchemaError naming the path."""
        if isinstance(payload, Schema):
            return payload
        if not isinstance(payload, Mapping):
            raise SchemaError(f"expected an object of fields, got {type(payload).__name__}")
        if is_json_schema(payload):
            return _parse_json_schema_root(payload)
        if not payload:
            raise SchemaError("the schema has no fields")
        fields = tuple(_parse_compact(name, spec, name) for name, spec in payload.items())
        _check_siblings(fields, "")
        return cls(fields=fields)

    def to_payload(self) -> dict[str, Any]:
        """The canonical compact form: key-order independent, used for hashing and prompts."""
        return {f.name: field_to_payload(f) for f in self.fields}


def is_json_schema(payload: Mapping[str, Any]) -> bool:
    return "$schema" in payload or (payload.get("type") == "object" and isinstance(payload.get("properties"), Mapping))


def field_to_payload(f: Field) -> dict[str, Any]:
    """A field as a canonical compact spec (defaults omitted, keys sorted)."""
    out: dict[str, Any] = {"type": f.type}
    defaults = Field(name=f.name, type=f.type)
    for a in attrs.fields(Field):
        if a.name in ("name", "type", "has_const"):
            continue
        value = getattr(f, a.name)
        if value == getattr(defaults, a.name):
            continue
        if a.name == "fields":
            value = {c.name: field_to_payload(c) for c in value}
        elif a.name == "items":
            value = field_to_payload(value)
        elif a.name == "distribution":
            value = {k: v for k, v in attrs.asdict(value).items() if v is not None}
        elif a.name in ("model", "extras"):
            for k, v in value:
                out[k] = thaw(v)
            continue
        elif isinstance(value, dt.datetime | dt.date | dt.time):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = thaw(value) if a.name == "values" else list(value)
        out["enum" if a.name == "values" else a.name] = value
    if f.has_const:
        out["const"] = f.const
    return dict(sorted(out.items()))


# --- parsing -------------------------------------------------------------------------------------

def _did_you_mean(word: str, choices: Any) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def canonical_type(name: Any, path: str) -> str:
    if not isinstance(name, str):
        raise SchemaError(f"type must be a string, got {name!r}", path)
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in FIELD_TYPES:
        raise SchemaError(f"unknown type '{name}'{_did_you_mean(key, [*FIELD_TYPES, *ALIASES])}", path)
    return str(key)


def _parse_compact(name: Any, spec: Any, path: str) -> Field:
    if not isinstance(name, str) or not name:
        raise SchemaError("field names must be non-empty strings", path or "<root>")
    if isinstance(spec, str):
        return _build(name, {"type": spec}, path)
    if isinstance(spec, list):
        return _build(name, {"type": "enum", "enum": spec}, path)
    if isinstance(spec, Mapping):
        if "type" in spec or "enum" in spec or "const" in spec:
            return _build(name, spec, path)
        if not spec:
            raise SchemaError("empty field spec: give a type, e.g. \"string\"", path)
        return _build(name, {"type": "object", "fields": spec}, path)
    raise SchemaError(f"a field is a type name, a list of values or an object, got {spec!r}", path)


def _normalise_keys(spec: Mapping[str, Any], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if not isinstance(key, str):
            raise SchemaError(f"option names must be strings, got {key!r}", path)
        canon = _KEY_ALIASES.get(key, key)
        if canon not in _SPEC_KEYS and not key.startswith(("x-", "$")):
            raise SchemaError(f"unknown option '{key}'{_did_you_mean(key, _SPEC_KEYS)}", path)
        if canon in out:
            raise SchemaError(f"option '{canon}' is given twice", path)
        if not key.startswith(("x-", "$")):
            out[canon] = value
    return out


def _build(name: str, raw: Mapping[str, Any], path: str) -> Field:
    spec = _normalise_keys(raw, path)
    type_value = spec.pop("type", None)
    nullable = bool(spec.pop("nullable", False))
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
    _parse_bounds(kind, spec, kw, path)
    _parse_enum(kind, spec, kw, path)
    _parse_structure(kind, spec, kw, path)
    _parse_misc(kind, spec, kw, path)
    return Field(**kw)


def _number(value: Any, what: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(f"{what} must be a finite number, got {value!r}", path)
    return value


def _count(value: Any, what: str, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SchemaError(f"{what} must be a whole number >= 0, got {value!r}", path)
    return value


def _parse_nulls(spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    if "null_rate" in spec:
        rate = _number(spec.pop("null_rate"), "null_rate", path)
        if not 0 <= rate <= 1:
            raise SchemaError(f"null_rate must be between 0 and 1, got {rate}", path)
        kw["nullable"] = kw["nullable"] or rate > 0
        kw["null_rate"] = float(rate)
    elif kw["nullable"]:
        kw["null_rate"] = 0.1
    kw["unique"] = bool(spec.pop("unique", False))
    if "required" in spec:
        kw["required"] = bool(spec.pop("required"))


def parse_temporal(value: Any, kind: str, what: str, path: str) -> Any:
    """Parse an ISO-8601 bound for a date, time or datetime field (naive datetimes are UTC)."""
    if not isinstance(value, str):
        raise SchemaError(f"{what} must be an ISO-8601 string, got {value!r}", path)
    try:
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "time":
            return dt.time.fromisoformat(value)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SchemaError(f"{what} is not an ISO-8601 {kind}: {value!r}", path) from None
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed.astimezone(dt.timezone.utc)


def _parse_bounds(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    lo, hi = spec.pop("min", None), spec.pop("max", None)
    for key in ("exclusive_min", "exclusive_max"):
        value = spec.pop(key, None)
        if isinstance(value, bool):
            kw[key] = value
        elif value is not None:  # JSON Schema draft 6+: exclusiveMinimum is the bound itself
            if key == "exclusive_min":
                lo = value
            else:
                hi = value
            kw[key] = True
    if kind in TEMPORAL_TYPES:
        lo = None if lo is None else parse_temporal(lo, kind, "min", path)
        hi = None if hi is None else parse_temporal(hi, kind, "max", path)
    elif lo is not None or hi is not None:
        if kind not in NUMERIC_TYPES:
            raise SchemaError(f"min/max apply to numbers, dates and times, not to type '{kind}'", path)
        lo = None if lo is None else _number(lo, "min", path)
        hi = None if hi is None else _number(hi, "max", path)
    if lo is not None and hi is not None and lo > hi:
        shown = (lo.isoformat(), hi.isoformat()) if kind in TEMPORAL_TYPES else (lo, hi)
        raise SchemaError(f"min ({shown[0]}) is greater than max ({shown[1]})", path)
    if kind == "integer" and lo is not None and hi is not None and math.ceil(lo) > math.floor(hi):
        raise SchemaError(f"no integer lies between min ({lo}) and max ({hi})", path)
    kw["min"], kw["max"] = lo, hi
    if "multiple_of" in spec:
        step = _number(spec.pop("multiple_of"), "multiple_of", path)
        if step <= 0:
            raise SchemaError(f"multiple_of must be greater than 0, got {step}", path)
        kw["multiple_of"] = step
    if "precision" in spec:
        kw["precision"] = _count(spec.pop("precision"), "precision", path)
        _check_precision_fits(kw, path)
        grid = kw.get("multiple_of")
        if grid is not None and round(grid, kw["precision"]) != grid:
            raise SchemaError(f"multiple_of ({grid}) needs more decimals than precision ({kw['precision']})", path)
    if "distribution" in spec:
        kw["distribution"] = _parse_distribution(kind, spec.pop("distribution"), path + ".distribution")


def _check_precision_fits(kw: dict[str, Any], path: str) -> None:
    """With `precision` decimals, at least one value must lie between min and max."""
    lo, hi, digits = kw["min"], kw["max"], kw["precision"]
    if lo is None or hi is None or not isinstance(lo, int | float):
        return
    scale = 10.0 ** digits
    if math.ceil(round(lo * scale, 6)) > math.floor(round(hi * scale, 6)):
        raise SchemaError(f"no number with {digits} decimals lies between min ({lo}) and max ({hi})", path)


def _parse_distribution(kind: str, raw: Any, path: str) -> Distribution:
    if kind not in NUMERIC_TYPES:
        raise SchemaError(f"a distribution applies to numeric fields, not to type '{kind}'", path)
    if isinstance(raw, str):
        raw = {"kind": raw}
    if not isinstance(raw, Mapping):
        raise SchemaError(f"expected a name or an object, got {raw!r}", path)
    raw = dict(raw)
    name = raw.pop("kind", raw.pop("type", "uniform"))
    if name not in DISTRIBUTIONS:
        hint = _did_you_mean(str(name), DISTRIBUTIONS)
        raise SchemaError(f"'{name}' is not one of {', '.join(DISTRIBUTIONS)}{hint}", path)
    params: dict[str, float] = {}
    allowed = {"uniform": (), "normal": ("mean", "std"), "lognormal": ("mean", "sigma"),
               "exponential": ("scale",), "poisson": ("lam",)}[name]
    if "lambda" in raw:
        raw["lam"] = raw.pop("lambda")
    for key, value in raw.items():
        if key not in allowed:
            raise SchemaError(f"'{key}' is not a parameter of {name} (it takes {', '.join(allowed) or 'none'})", path)
        params[key] = _number(value, key, path)
    for key in ("std", "sigma", "scale", "lam"):
        if key in params and params[key] <= 0:
            raise SchemaError(f"{key} must be greater than 0, got {params[key]}", path)
    if name == "poisson" and kind != "integer":
        raise SchemaError("poisson applies to integer fields", path)
    return Distribution(kind=name, **params)


def _parse_enum(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    if "const" in spec:
        kw["const"], kw["has_const"] = spec.pop("const"), True
        if kind not in ("const", "enum"):
            kw["type"] = "const"
    values = spec.pop("enum", None)
    weights = spec.pop("weights", None)
    if kind == "enum":
        if not isinstance(values, list | tuple) or not values:
            raise SchemaError("an enum needs a non-empty list of values under 'enum'", path)
        kw["values"] = tuple(_freeze(v) for v in values)
    elif kind == "const" and not kw.get("has_const"):
        raise SchemaError("a const field needs a 'const' value", path)
    elif values is not None:
        raise SchemaError(f"'enum' does not apply to type '{kind}'", path)
    if weights is not None:
        if kind != "enum":
            raise SchemaError("weights apply to enum fields", path)
        if not isinstance(weights, list | tuple) or len(weights) != len(kw["values"]):
            raise SchemaError(f"weights must be a list of {len(kw['values'])} numbers, one per enum value", path)
        ws = [_number(w, "each weight", path) for w in weights]
        if any(w < 0 for w in ws) or sum(ws) <= 0:
            raise SchemaError("weights must be >= 0 and not all 0", path)
        total = float(sum(ws))
        kw["weights"] = tuple(w / total for w in ws)


def _parse_structure(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    fields = spec.pop("fields", None)
    if kind == "object":
        if not isinstance(fields, Mapping) or not fields:
            raise SchemaError("an object needs its fields under 'fields' (or 'properties')", path)
        kw["fields"] = tuple(_parse_compact(n, s, f"{path}.{n}") for n, s in fields.items())
        _check_siblings(kw["fields"], path)
    elif fields is not None:
        raise SchemaError(f"'fields' does not apply to type '{kind}'", path)
    items = spec.pop("items", None)
    for key in ("min_items", "max_items"):
        if key in spec:
            if kind != "array":
                raise SchemaError(f"'{key}' applies to arrays", path)
            kw[key] = _count(spec.pop(key), key, path)
    if kind == "array":
        if items is None:
            raise SchemaError("an array needs 'items', e.g. \"items\": \"string\"", path)
        kw["items"] = _parse_compact("items", items, f"{path}.items")
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
            kw[key] = _count(spec.pop(key), key, path)
    if kw.get("max_length") == 0 and kind != "string":
        raise SchemaError(f"max_length 0 leaves only the empty string, which is not a {kind}", path)
    if kw.get("min_length") is not None and kw.get("max_length") is not None and kw["min_length"] > kw["max_length"]:
        raise SchemaError(f"min_length ({kw['min_length']}) is greater than max_length ({kw['max_length']})", path)
    if "pattern" in spec:
        pattern = spec.pop("pattern")
        if kind not in TEXTUAL_TYPES:
            raise SchemaError(f"'pattern' applies to text fields, not to type '{kind}'", path)
        try:
            re.compile(pattern)
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
    if "length" in spec and (kind != "token" or _count(spec["length"], "length", path) < 1):
        raise SchemaError("'length' applies to token fields and must be at least 1", path)
    if "probability" in spec:
        chance = _number(spec["probability"], "probability", path)
        if kind != "boolean" or not 0 <= chance <= 1:
            raise SchemaError("'probability' (of true) applies to boolean fields and lies between 0 and 1", path)
    kw["series_key"] = bool(spec.pop("series_key", False))
    desc = spec.pop("description", None)
    kw["description"] = str(desc) if desc is not None else None
    model = {k: spec.pop(k) for k in MODEL_KEYS if k in spec}
    if model and kind not in NUMERIC_TYPES:
        raise SchemaError(f"{', '.join(model)} apply to numeric fields, not to type '{kind}'", path)
    kw["model"] = tuple((k, _freeze(v)) for k, v in model.items())
    for ignored in ("title", "default", "examples"):
        spec.pop(ignored, None)
    kw["extras"] = tuple((k, _freeze(v)) for k, v in spec.items())


def _check_siblings(fields: tuple[Field, ...], path: str) -> None:
    names = [f.name for f in fields]
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.after is None:
            continue
        where = f"{path}.{f.name}" if path else f.name
        other = by_name.get(f.after)
        if other is None:
            hint = _did_you_mean(f.after, names)
            raise SchemaError(f"'after' names '{f.after}', which is not a field here{hint}", where)
        if other.type != f.type:
            raise SchemaError(f"'after' needs '{f.after}' to be a {f.type} field like this one, "
                              f"it is {other.type}", where)
        if f.max is not None and other.max is not None and other.max >= f.max:
            raise SchemaError(f"max ({f.max.isoformat()}) must be later than the max of '{f.after}' "
                              f"({other.max.isoformat()}), since this field comes after it", where)
        if names.index(f.after) > names.index(f.name) and other.after == f.name:
            raise SchemaError(f"'after' makes a cycle between '{f.name}' and '{f.after}'", where)


# --- JSON Schema ---------------------------------------------------------------------------------

def _parse_json_schema_root(payload: Mapping[str, Any]) -> Schema:
    props = payload.get("properties")
    if payload.get("type", "object") != "object" or not isinstance(props, Mapping) or not props:
        raise SchemaError("a JSON Schema must be an object with 'properties'")
    required = set(payload.get("required", props.keys()))
    fields = tuple(_json_schema_field(n, s, n, n in required) for n, s in props.items())
    _check_siblings(fields, "")
    desc = payload.get("description")
    return Schema(fields=fields, description=str(desc) if desc else None)


def _json_schema_field(name: str, spec: Any, path: str, required: bool) -> Field:
    if not isinstance(spec, Mapping):
        raise SchemaError(f"a property must be an object, got {spec!r}", path)
    spec = {k: v for k, v in spec.items() if k not in _IGNORED_JSON_SCHEMA_KEYS or k == "description"}
    if spec.get("type") == "object" or (isinstance(spec.get("type"), list) and "object" in spec["type"]):
        props = spec.pop("properties", None)
        req = set(spec.pop("required", props.keys() if isinstance(props, Mapping) else ()))
        if not isinstance(props, Mapping) or not props:
            raise SchemaError("an object needs 'properties'", path)
        children = tuple(_json_schema_field(n, s, f"{path}.{n}", n in req) for n, s in props.items())
        base = _build(name, {**spec, "fields": {"_": "string"}}, path)
        return attrs.evolve(base, fields=children, required=required)
    items = spec.pop("items", None)
    if items is not None:
        child = _json_schema_field("items", items, f"{path}.items", True)
        base = _build(name, {**spec, "items": "string"}, path)
        return attrs.evolve(base, items=child, required=required)
    return attrs.evolve(_build(name, spec, path), required=required)


def parse_fields(payload: Any, path: str) -> tuple[Field, ...]:
    """Fields of a compact-format object found inside another spec (errors name `path`.field)."""
    if not isinstance(payload, Mapping) or not payload:
        raise SchemaError("expected an object of fields", path)
    fields = tuple(_parse_compact(name, spec, f"{path}.{name}") for name, spec in payload.items())
    _check_siblings(fields, path)
    return fields
