"""Field and Distribution: one field of a record as a frozen value, and its canonical compact form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.schema.types import NUMERIC_TYPES, TEMPORAL_TYPES

DISTRIBUTIONS = ("uniform", "normal", "lognormal", "exponential", "poisson")
DATETIME_FORMATS = ("iso", "epoch", "epoch_ms")
# Time-series model keys live on numeric fields; the time-series generator interprets them.
MODEL_KEYS = ("base", "trend", "seasonality", "noise", "walk", "anomalies", "missing")


_ATOMS = frozenset({str, int, float, bool, type(None)})


def freeze(value: Any) -> Any:
    """Turn nested dicts/lists into hashable tuples so a Field stays a frozen value."""
    if type(value) in _ATOMS:  # most values (a million-value enum): no ABC check
        return value
    if isinstance(value, Mapping):
        return tuple((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
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
class Shape:
    """What JSON Schema adds to a field: union branches, open object keys, tuples, `contains`, the exact check.

    A field compiled from JSON Schema carries one (the compact format never does). `checks` name the
    JSON Schemas a value must satisfy where generation alone is not exact (`oneOf`, `not`, `if`...): the
    engine then tests each value against them and redraws those that fail.
    """

    branches: tuple[Field, ...] = ()  # type "union": one branch per value
    exclusive: bool = False  # oneOf: exactly one branch may match
    additional: Field | None = None  # object: the schema of keys beyond `fields` (None: no others are made)
    patterns: tuple[tuple[str, Field], ...] = ()  # object: patternProperties
    excluded: tuple[str, ...] = ()  # object: patterns no key may match (their schema is false)
    names: Field | None = None  # object: propertyNames (a string field)
    min_properties: int = 0
    max_properties: int | None = None
    depends: tuple[tuple[str, tuple[str, ...]], ...] = ()  # object: dependentRequired
    prefix: tuple[Field, ...] = ()  # array: prefixItems
    closed: bool = False  # array: no items beyond `prefix` (items: false)
    contains: Field | None = None
    min_contains: int = 1
    max_contains: int | None = None
    presence: float = 1.0  # an optional property: the share of records that have it
    samples: tuple[Any, ...] = ()  # default / examples that fit the field: drawn now and then
    checks: tuple[str, ...] = ()  # "uri#pointer"s of the JSON Schemas every value must satisfy
    pointer: str = ""  # where in the user's schema the field comes from (for messages)


@attrs.frozen(cache_hash=True)  # hashed in caches per value: a million-value enum took minutes a Parquet column
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
    llm: str | None = None  # the model writes this text field per row (hybrid mode's text columns)
    model: tuple[tuple[str, Any], ...] = ()
    extras: tuple[tuple[str, Any], ...] = ()
    shape: Shape | None = None  # JSON Schema only

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
        elif a.name == "shape":
            value = _shape_to_payload(value)
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
        out["const"] = thaw(f.const)
    return dict(sorted(out.items()))


def _shape_to_payload(shape: Shape) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in attrs.fields(Shape):
        value = getattr(shape, a.name)
        if value == a.default or a.name == "pointer":
            continue
        if isinstance(value, Field):
            value = field_to_payload(value)
        elif a.name in ("branches", "prefix"):
            value = [field_to_payload(b) for b in value]
        elif a.name == "patterns":
            value = {p: field_to_payload(b) for p, b in value}
        elif isinstance(value, tuple):
            value = thaw(value)
        out[a.name] = value
    return out
