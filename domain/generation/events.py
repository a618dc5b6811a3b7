"""Event-stream parameters: diurnal rate profile, bursts, entity populations and per-type payloads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.generation.requests import parse_duration, parse_rate
from agentic_synth.domain.schema.schema import Field, Schema, parse_fields, thaw

PAYLOAD_MARK = "x-payload-of"  # extra on output-schema fields that belong to one event type's payload
DIURNAL_FORM = "'flat', 'business', 'consumer' or a list of 24 hourly weights (UTC hours 0..23)"
# Relative arrival rate per UTC hour; normalised to a mean of 1 so --rate stays the daily average.
DIURNAL_PRESETS: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    "business": (0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.5, 2.2, 2.4, 2.3, 2.0, 2.3, 2.4, 2.2, 1.8, 1.2,
                 0.7, 0.5, 0.4, 0.3, 0.2, 0.1),
    "consumer": (0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.1, 1.0, 1.0, 1.1, 1.3,
                 1.6, 1.9, 2.1, 2.0, 1.5, 0.9),
}


def parse_diurnal(value: Any) -> tuple[float, ...]:
    """A preset name or 24 non-negative hourly weights -> 24 multipliers with a mean of 1."""
    if isinstance(value, str) and value.strip().lower() in DIURNAL_PRESETS:
        weights: Any = DIURNAL_PRESETS[value.strip().lower()]
    else:
        weights = value
    ok = (isinstance(weights, list | tuple) and len(weights) == 24
          and all(isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
                  for w in weights) and sum(weights) > 0)
    if not ok:
        raise UsageError(f"diurnal: {value!r} is not a profile; use {DIURNAL_FORM}")
    mean = sum(weights) / 24
    return tuple(float(w) / mean for w in weights)


@attrs.frozen
class Bursts:
    """Bursts start at random (Poisson, `rate` per second), last `duration` seconds, multiply the rate by `factor`."""

    rate: float
    duration: float
    factor: float

    @classmethod
    def from_payload(cls, raw: Any) -> Bursts:
        if isinstance(raw, Bursts):
            return raw
        form = '{"rate": "2/hour", "duration": "5m", "factor": 10}'
        if not isinstance(raw, Mapping) or not {"rate", "duration", "factor"} <= set(raw) or len(raw) != 3:
            raise UsageError(f"bursts: expected {form}, got {raw!r}")
        factor = raw["factor"]
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not 1 <= factor < math.inf:
            raise UsageError(f"bursts.factor: expected a number >= 1, got {factor!r}")
        return cls(rate=parse_rate(raw["rate"], "bursts.rate"), duration=parse_duration(raw["duration"],
                   "bursts.duration"), factor=float(factor))


def parse_bool(value: Any) -> bool:
    """true/false from a flag, JSON or text."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"expected true or false, got {value!r}")


@attrs.frozen
class Population:
    """A field's values come from a fixed pool of `size` entities, the k-th most popular with weight 1/k^skew."""

    size: int
    skew: float = 1.0

    @classmethod
    def from_field(cls, f: Field) -> Population | None:
        size, skew = f.option("population"), f.option("skew")
        if size is None:
            if skew is not None:
                raise SchemaError("'skew' needs 'population' (the number of distinct entities)", f.name)
            return None
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise SchemaError(f"must be a whole number >= 1, got {size!r}", f"{f.name}.population")
        if skew is None:
            skew = 1.0
        if isinstance(skew, bool) or not isinstance(skew, int | float) or not 0 <= skew < math.inf:
            raise SchemaError(f"must be a number >= 0 (0 = uniform, 1 = Zipf), got {skew!r}", f"{f.name}.skew")
        if f.type in ("object", "array", "const"):
            raise SchemaError(f"population does not apply to type '{f.type}'", f.name)
        return cls(size=size, skew=float(skew))


@attrs.frozen
class PayloadField:
    """A field present only on events whose `selector` field has one of `values`."""

    field: Field
    selector: str
    values: tuple[Any, ...]


def payload_fields(schema: Schema) -> list[PayloadField]:
    """The per-type payload fields declared with `payloads` on enum fields, in declaration order."""
    by_name: dict[str, PayloadField] = {}
    names = set(schema.names)
    for f in schema.fields:
        raw = f.option("payloads")
        if raw is None:
            continue
        where = f"{f.name}.payloads"
        if f.type != "enum":
            raise SchemaError("'payloads' applies to enum fields (one payload schema per value)", where)
        if not isinstance(raw, Mapping) or not raw:
            raise SchemaError('expected {"<enum value>": {<fields>}}', where)
        values = [thaw(v) for v in f.values]
        for value, spec in raw.items():
            if value not in values:
                raise SchemaError(f"'{value}' is not one of the enum's values {values}", where)
            for child in parse_fields(spec, f"{where}.{value}"):
                if child.name in names:
                    raise SchemaError(f"payload field '{child.name}' clashes with the schema field of that name",
                                      f"{where}.{value}")
                known = by_name.get(child.name)
                if known is not None and (known.field != child or known.selector != f.name):
                    raise SchemaError(f"payload field '{child.name}' is declared twice with different specs",
                                      f"{where}.{value}")
                prior = known.values if known is not None else ()
                by_name[child.name] = PayloadField(field=child, selector=f.name, values=(*prior, value))
    return list(by_name.values())


def expand_event_schema(schema: Schema, timestamp: str = "timestamp") -> Schema:
    """The output schema: a leading `timestamp` when there is no datetime field, then payload fields (nullable).

    Expanding an expanded schema changes nothing, so a request can be prepared twice.
    """
    fields = list(schema.fields)
    if schema.first_of_type("datetime") is None:
        fields.insert(0, Field(name=timestamp, type="datetime"))
    present = {f.name for f in fields}
    base = Schema(fields=tuple(f for f in fields if f.option(PAYLOAD_MARK) is None), description=schema.description)
    for p in payload_fields(base):
        if p.field.name not in present:
            fields.append(attrs.evolve(p.field, nullable=True, null_rate=0.0, required=False,
                                       extras=(*p.field.extras, (PAYLOAD_MARK, p.selector))))
    for f in schema.fields:
        if Population.from_field(f) is not None and f.unique:
            raise SchemaError("a population field repeats its values; it cannot also be unique", f.name)
    return Schema(fields=tuple(fields), description=schema.description)
