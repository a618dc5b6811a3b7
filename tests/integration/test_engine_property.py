"""Property: whatever the schema, every record the engine makes satisfies it (uniqueness included)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.types import LOCALES, SEMANTIC_TYPES
from agentic_synth.domain.schema.validation import RecordValidator

PATTERNS = (r"^[A-Z]{3}-[0-9]{4}$", r"[a-f0-9]{8}", r"(red|green|blue)-\d{2}", r"SKU\d{3,6}", r"[A-Z][a-z]{2,7}")
DISTRIBUTIONS = ("normal", "lognormal", "exponential")
STRFTIME = ("%Y-%m-%d %H:%M", "%d/%m/%Y")


def _nulls(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Any]:
    if draw(st.booleans()):
        spec["null_rate"] = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    elif draw(st.booleans()):
        spec["nullable"] = True
    return spec


@st.composite
def integer_spec(draw: st.DrawFn) -> dict[str, Any]:
    lo = draw(st.integers(-10**6, 10**6))
    hi = lo + draw(st.integers(0, 10**6))
    spec: dict[str, Any] = {"type": "integer", "min": lo, "max": hi}
    choice = draw(st.sampled_from(["plain", "dist", "poisson", "multiple", "exclusive"]))
    if choice == "dist":
        spec["distribution"] = draw(st.sampled_from(DISTRIBUTIONS))
    elif choice == "poisson":
        spec["distribution"] = {"kind": "poisson", "lam": draw(st.floats(0.5, 50))}
    elif choice == "multiple" and hi - lo >= 7:
        spec["multiple_of"] = 7
    elif choice == "exclusive" and hi - lo >= 2:
        spec["exclusiveMinimum"], spec["exclusiveMaximum"] = True, True
    return spec


@st.composite
def number_spec(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["number", "amount", "latitude", "longitude"]))
    limit = {"latitude": 90, "longitude": 180}.get(kind, 10**6)
    lo = draw(st.floats(-limit, limit, allow_nan=False))
    hi = draw(st.floats(lo, limit, allow_nan=False))
    spec: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        spec.update(min=round(lo, 3), max=round(max(hi, lo + 1e-3), 3) if hi < limit else limit)
    if draw(st.booleans()) and ("min" not in spec or spec["max"] - spec["min"] >= 1):
        spec["precision"] = draw(st.integers(0, 4))
    if kind == "number" and draw(st.booleans()):
        spec["distribution"] = draw(st.sampled_from(DISTRIBUTIONS))
    if kind == "number" and "min" in spec and spec.get("precision", 2) >= 2 and spec["max"] - spec["min"] >= 1 \
            and draw(st.booleans()):
        spec["multiple_of"] = 0.25
    return spec


@st.composite
def temporal_spec(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["datetime", "date", "time"]))
    spec: dict[str, Any] = {"type": kind}
    if kind == "time":
        if draw(st.booleans()):
            lo = draw(st.integers(0, 23))
            spec.update(min=f"{lo:02d}:00:00", max=f"{draw(st.integers(lo, 23)):02d}:59:59")
        return spec
    if draw(st.booleans()):
        lo = draw(st.integers(1990, 2030))
        hi = draw(st.integers(lo, 2031))
        spec["min"] = f"{lo}-01-01" if kind == "date" else f"{lo}-01-01T00:00:00Z"
        spec["max"] = f"{hi}-12-31" if kind == "date" else f"{hi}-12-31T23:59:59Z"
    if kind == "datetime" and draw(st.booleans()):
        spec["format"] = draw(st.sampled_from(["iso", "epoch", "epoch_ms", *STRFTIME]))
    return spec


@st.composite
def text_spec(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "word", "sentence", "token", "username", "company", "product_name"]))
    spec: dict[str, Any] = {"type": kind}
    option = draw(st.sampled_from(["none", "pattern", "length"]))
    if option == "pattern":
        spec["pattern"] = draw(st.sampled_from(PATTERNS))
    elif option == "length":
        lo = draw(st.integers(0 if kind == "string" else 1, 20))
        spec.update(min_length=lo, max_length=lo + draw(st.integers(0, 30)))
    return spec


@st.composite
def semantic_spec(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": draw(st.sampled_from(SEMANTIC_TYPES))}
    if draw(st.booleans()):
        spec["locale"] = draw(st.sampled_from(LOCALES))
    if spec["type"] == "color" and draw(st.booleans()):
        spec["format"] = "name"
    return spec


@st.composite
def enum_spec(draw: st.DrawFn) -> dict[str, Any]:
    values = draw(st.lists(st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans()),
                           min_size=1, max_size=6, unique_by=repr))
    spec: dict[str, Any] = {"enum": values}
    if draw(st.booleans()):
        spec["weights"] = draw(st.lists(st.integers(1, 10), min_size=len(values), max_size=len(values)))
    return spec


SCALARS = st.one_of(integer_spec(), number_spec(), temporal_spec(), text_spec(), semantic_spec(), enum_spec(),
                    st.sampled_from([{"type": "boolean"}, {"type": "uuid"}, {"const": "fixed"}, {"const": 3}]))


@st.composite
def field_spec(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    kind = draw(st.sampled_from(["scalar"] * 6 + (["object", "array"] if depth < 2 else [])))
    if kind == "object":
        spec: dict[str, Any] = {"type": "object", "fields": draw(fields_of(depth + 1))}
    elif kind == "array":
        lo = draw(st.integers(0, 3))
        spec = {"type": "array", "items": draw(field_spec(depth + 1)), "min_items": lo,
                "max_items": lo + draw(st.integers(0, 3))}
    else:
        spec = draw(SCALARS)
    return _nulls(draw, spec) if kind != "array" or draw(st.booleans()) else spec


@st.composite
def fields_of(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=6,
                          unique=True))
    fields = {name: draw(field_spec(depth)) for name in names}
    if depth == 0 and draw(st.booleans()):  # a unique id, and a datetime after another
        fields["uid"] = draw(st.sampled_from([{"type": "integer", "unique": True, "min": 0, "max": 10**7},
                                              {"type": "uuid", "unique": True},
                                              {"type": "email", "unique": True}]))
    if depth == 0 and draw(st.booleans()):
        fields.update(draw(after_pair()))
    return fields


@st.composite
def after_pair(draw: st.DrawFn) -> dict[str, Any]:
    """Two date or datetime fields, the second declared after the first, with optional bounds."""
    kind = draw(st.sampled_from(["datetime", "date"]))
    fmt = draw(st.sampled_from([None, "epoch", "epoch_ms", "%Y-%m-%d %H:%M:%S"])) if kind == "datetime" else None
    stamp = (lambda d: d) if kind == "date" else (lambda d: f"{d}T00:00:00Z")
    starts: dict[str, Any] = {"type": kind, **({"format": fmt} if fmt else {}), "null_rate": 0.1}
    ends: dict[str, Any] = {**starts, "after": "starts", "null_rate": 0.2}
    if draw(st.booleans()):
        starts.update(min=stamp("2024-01-01"), max=stamp("2024-06-30"))
        if draw(st.booleans()):
            ends["max"] = stamp("2024-07-31")
    if draw(st.booleans()):
        ends["min"] = stamp("2024-03-01")
    return {"starts": starts, "ends": ends}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=fields_of(), count=st.integers(0, 60), seed=st.integers(0, 2**32 - 1))
def test_every_generated_record_satisfies_its_schema_including_uniqueness(payload, count, seed) -> None:
    schema = Schema.from_payload(payload)
    request = GenerationRequest(kind="structured", schema=schema, count=count, seed=seed)
    try:
        records = [row for chunk in StructuredGenerator().chunks(request) for row in chunk.rows()]
    except SchemaError as exc:  # allowed only when a unique field's value space is honestly too small
        assert "unique" in str(exc), exc
        return
    assert len(records) == count
    validator = RecordValidator(schema)
    problems = [(i, str(v)) for i, record in enumerate(records) for v in validator.check(record)]
    assert problems == []
