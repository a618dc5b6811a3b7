"""Schemas from pydantic v2 models, dataclasses and attrs classes: what maps, what is refused (naming the field)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import ipaddress
import uuid
from typing import Annotated, Any, Literal, Optional

import attrs
import pytest
from pydantic import BaseModel, Field, HttpUrl

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.python_types import schema_from_type


class Plan(enum.Enum):
    FREE = "free"
    PRO = "pro"


class Address(BaseModel):
    city: str
    postcode: str = Field(pattern=r"^[0-9]{5}$")


class Customer(BaseModel):
    """A customer of the shop."""

    id: uuid.UUID
    name: str
    email: str
    age: int = Field(ge=18, le=99)
    score: float = Field(gt=0, lt=1)
    balance: decimal.Decimal = Field(ge=0, le=1000, decimal_places=2)
    plan: Plan
    tier: Literal["bronze", "silver", "gold"]
    nickname: Optional[str] = Field(default=None, max_length=8)  # noqa: UP045 - Optional is what people write
    signup: dt.datetime = Field(ge=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    birthday: dt.date
    homepage: HttpUrl
    tags: list[Annotated[str, Field(max_length=6)]] = Field(max_length=3)
    address: Address
    code: str = Field(alias="customerCode", min_length=4, max_length=4)
    company: str = Field(json_schema_extra={"synth": {"type": "company"}})


@dataclasses.dataclass
class Reading:
    sensor: str
    at: dt.datetime
    value: float
    flags: set[Literal["low", "high", "stale"]]
    host: ipaddress.IPv4Address


@attrs.define
class Order:
    id: int
    day: dt.date
    lines: list[Reading]
    note: str | None = None


def _payload(cls: type) -> dict[str, Any]:
    return schema_from_type(cls).to_payload()


def test_a_pydantic_model_maps_types_constraints_and_names() -> None:
    schema = schema_from_type(Customer)
    fields = schema.to_payload()
    assert schema.description == "A customer of the shop."
    assert fields["id"]["type"] == "uuid" and fields["name"]["type"] == "name" and fields["email"]["type"] == "email"
    assert fields["age"] == {"type": "integer", "min": 18, "max": 99}
    assert fields["score"] == {"type": "number", "min": 0, "max": 1, "exclusive_min": True, "exclusive_max": True}
    assert fields["balance"]["precision"] == 2 and fields["balance"]["max"] == 1000
    assert fields["plan"] == {"type": "enum", "enum": ["free", "pro"]}
    assert fields["tier"]["enum"] == ["bronze", "silver", "gold"]
    assert fields["nickname"]["nullable"] is True and fields["nickname"]["max_length"] == 8
    assert fields["signup"]["min"].startswith("2024-01-01T00:00:00")
    assert fields["homepage"]["type"] == "url" and fields["birthday"]["type"] == "date"
    assert fields["tags"]["max_items"] == 3 and fields["tags"]["items"] == {"type": "string", "max_length": 6}
    assert fields["address"]["fields"]["city"]["type"] == "city"
    assert fields["address"]["fields"]["postcode"]["pattern"] == "^[0-9]{5}$"
    assert "customerCode" in fields and fields["customerCode"]["min_length"] == 4  # the alias is the key
    assert fields["company"]["type"] == "company"  # json_schema_extra={"synth": {...}} overrides


def test_dataclasses_and_attrs_classes_map_nested_and_sets_as_unique_items() -> None:
    reading = _payload(Reading)
    assert reading["flags"] == {"type": "array", "unique_items": True,
                                "items": {"type": "enum", "enum": ["low", "high", "stale"]}}
    assert reading["host"]["type"] == "ipv4" and reading["at"]["type"] == "datetime"
    order = _payload(Order)
    assert order["lines"]["items"]["type"] == "object"
    assert order["note"]["nullable"] is True


@pytest.mark.parametrize(("annotation", "message"), [
    (dict[str, int], "a dict or Mapping field is not supported"),
    (int | str, "a union of several types"),
    (tuple[int, str], "a fixed-length tuple"),
    (bytes, "type bytes has no mapping"),
    (Any, "type Any has no mapping"),
    (list, "a list needs its item type"),
])
def test_what_cannot_be_generated_faithfully_is_refused_naming_the_field(annotation: Any, message: str) -> None:
    model = dataclasses.make_dataclass("Thing", [("ok", int), ("bad", annotation)])
    with pytest.raises(SchemaError, match=f"schema: Thing.bad: {message}"):
        schema_from_type(model)


@dataclasses.dataclass
class Node:
    value: int
    children: list[Node]


@attrs.define
class Validated:
    level: int = attrs.field(validator=attrs.validators.and_(attrs.validators.ge(1), attrs.validators.lt(10)))
    code: str = attrs.field(validator=[attrs.validators.matches_re(r"[A-Z]{3}"), attrs.validators.max_len(3)])
    size: str = attrs.field(validator=attrs.validators.in_(["S", "M", "L"]))
    note: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.min_len(2)))


def test_attrs_validators_become_bounds_patterns_lengths_and_choices() -> None:
    fields = _payload(Validated)
    assert fields["level"] == {"type": "integer", "min": 1, "max": 10, "exclusive_max": True}
    assert fields["code"] == {"type": "string", "pattern": "[A-Z]{3}", "max_length": 3}
    assert fields["size"] == {"type": "enum", "enum": ["S", "M", "L"]}
    assert fields["note"]["min_length"] == 2 and fields["note"]["nullable"] is True
    made = AgenticSynth(config={}).generate("structured", schema=Validated, count=200, seed=2).as_models()
    assert all(1 <= v.level < 10 and len(v.code) == 3 and v.size in "SML" for v in made)  # attrs ran its validators


def test_a_recursive_model_and_an_impossible_constraint_are_refused() -> None:
    with pytest.raises(SchemaError, match=r"Node.children.*contains itself"):
        schema_from_type(Node)

    class Impossible(BaseModel):
        n: int = Field(ge=10, le=1)

    with pytest.raises(SchemaError, match=r"schema: Impossible.n: min \(10\) is greater than max \(1\)"):
        schema_from_type(Impossible)
    with pytest.raises(SchemaError, match="is not a pydantic model, dataclass or attrs class"):
        schema_from_type(int)


def test_generated_records_come_back_as_dicts_and_as_valid_model_instances() -> None:
    synth = AgenticSynth(config={})
    customers = synth.generate("structured", schema=Customer.model_fields["address"].annotation, count=50, seed=3)
    assert all(isinstance(r, dict) for r in customers.records)
    models = customers.as_models()
    assert all(isinstance(m, Address) and len(m.postcode) == 5 for m in models)
    orders = synth.generate("structured", schema=Order, count=40, seed=3).as_models()
    assert all(isinstance(o, Order) and isinstance(o.day, dt.date) for o in orders)
    readings = [line for o in orders for line in o.lines]
    assert readings and all(isinstance(r.at, dt.datetime) and r.at.tzinfo is not None for r in readings)
    assert all(isinstance(r.flags, set) and isinstance(r.host, ipaddress.IPv4Address) for r in readings)
    with pytest.raises(UsageError, match="as_models"):
        synth.generate("structured", schema={"id": "integer"}, count=1).as_models()


def test_a_pydantic_model_validates_every_generated_record() -> None:
    class Account(BaseModel):
        id: int = Field(ge=1, le=10**6)
        owner: str
        opened: dt.date
        rate: float = Field(ge=0.5, le=4.5, multiple_of=0.25)
        status: Literal["open", "closed"]
        limits: list[int] = Field(min_length=1, max_length=4)

    accounts = AgenticSynth(config={}).generate("structured", schema=Account, count=500, seed=8).as_models()
    assert len(accounts) == 500 and {a.status for a in accounts} == {"open", "closed"}
