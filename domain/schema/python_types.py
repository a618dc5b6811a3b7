"""Schemas from the Python types people already have: pydantic v2 models, dataclasses and attrs classes.

Read without importing pydantic: a model is recognised by `model_fields`, its constraints by the
attribute names annotated-types and pydantic give them (ge, gt, le, lt, multiple_of, min_length,
max_length, pattern, decimal_places), and attrs validators by theirs (ge/gt/le/lt, min_len/max_len,
matches_re, in_, within and_/optional). Each Python type becomes a compact field spec, which the
schema parser then checks like any other; what cannot be generated faithfully is refused, naming
the field (docs/datasets.md has the table).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import ipaddress
import re
import types
import typing
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.types import ALIASES, SEMANTIC_TYPES

_SCALARS: dict[Any, str] = {bool: "boolean", int: "integer", float: "number", str: "string",
                            decimal.Decimal: "number", dt.datetime: "datetime", dt.date: "date", dt.time: "time",
                            uuid.UUID: "uuid", ipaddress.IPv4Address: "ipv4", ipaddress.IPv6Address: "ipv6"}
_BY_CLASS_NAME = {"EmailStr": "email", "NameEmail": "email", "AnyUrl": "url", "HttpUrl": "url",
                  "AnyHttpUrl": "url", "Url": "url", "IPvAnyAddress": "ipv4"}
_ARRAYS = (list, tuple, set, frozenset, typing.Sequence, typing.MutableSequence, typing.AbstractSet,
           typing.Collection, typing.Iterable)
_OPERATORS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}
_CONSTRAINTS = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern", "decimal_places")
# Field names that say what a plain `str` holds (a `str` named email is made as an email address).
_NAMED = {name: name for name in SEMANTIC_TYPES} | {alias: kind for alias, kind in ALIASES.items()
                                                    if kind in SEMANTIC_TYPES}
_NOT_BY_NAME = {"word", "sentence", "paragraph", "token", "amount", "latitude", "longitude"}


def is_model_type(value: Any) -> bool:
    """A pydantic v2 model class, a dataclass or an attrs class."""
    return isinstance(value, type) and (_is_pydantic(value) or dataclasses.is_dataclass(value) or attrs.has(value))


def _is_pydantic(cls: type) -> bool:
    return isinstance(getattr(cls, "model_fields", None), Mapping) and hasattr(cls, "model_validate")


def schema_from_type(cls: type) -> Schema:
    """The Schema of a model class; SchemaError names the field (`schema: User.address.zip: ...`)."""
    if not is_model_type(cls):
        raise SchemaError(f"{getattr(cls, '__name__', cls)!r} is not a pydantic model, dataclass or attrs class")
    payload = _model_fields(cls, cls.__name__, (cls,))
    try:
        schema = Schema.from_payload(payload)
    except SchemaError as exc:
        raise SchemaError(exc.message.removeprefix("schema: ").removeprefix(f"{exc.path}: "),
                          f"{cls.__name__}.{exc.path}" if exc.path else cls.__name__) from None
    doc = (cls.__doc__ or "").strip()
    generated = dataclasses.is_dataclass(cls) and doc.startswith(cls.__name__ + "(")  # the signature dataclass adds
    return attrs.evolve(schema, description=doc.splitlines()[0] if doc and not generated else None)


def record_keys(cls: type) -> dict[str, str]:
    """Attribute name -> the key of a record (a pydantic alias, else the name)."""
    return {name: key for name, key, _, _ in _members(cls)}


def _members(cls: type) -> list[tuple[str, str, Any, list[Any]]]:
    """(attribute, record key, type hint, constraint objects) for each field, in declaration order."""
    if _is_pydantic(cls):
        out = []
        for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
            alias = info.alias if isinstance(info.alias, str) else name
            extra = [info] if getattr(info, "description", None) or _synth_extra(info) else []
            out.append((name, alias, info.annotation, list(info.metadata) + extra))
        return out
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except (NameError, TypeError) as exc:  # a string annotation naming something not in the module
        raise SchemaError(f"cannot read the type hints of {cls.__name__}: {exc}", cls.__name__) from None
    names = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else \
        [a.name for a in attrs.fields(cls)]
    if dataclasses.is_dataclass(cls):
        return [(name, name, hints.get(name, Any), []) for name in names]
    validators = {a.name: [a.validator] if a.validator is not None else [] for a in attrs.fields(cls)}
    return [(name, name, hints.get(name, Any), validators[name]) for name in names]


def _synth_extra(info: Any) -> Mapping[str, Any] | None:
    extra = getattr(info, "json_schema_extra", None)
    value = extra.get("synth") if isinstance(extra, Mapping) else None
    return value if isinstance(value, Mapping) else None


def _model_fields(cls: type, path: str, seen: tuple[type, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, key, hint, meta in _members(cls):
        fields[key] = _spec(hint, meta, f"{path}.{name}", name, seen)
    if not fields:
        raise SchemaError("has no fields", path)
    return fields


def _unwrap(hint: Any, meta: list[Any]) -> tuple[Any, list[Any], bool]:
    """Strip Annotated and Optional: the bare type, every constraint object, and whether None is allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            meta = [*meta, *hint.__metadata__]
            hint = hint.__origin__
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(hint) if a is not type(None)]
            nullable = nullable or len(members) < len(typing.get_args(hint))
            if len(members) != 1:
                return hint, meta, nullable
            hint = members[0]
        else:
            return hint, meta, nullable


def _constraints(meta: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Constraint values (ge=..., pattern=...) and the description/`synth` extras, from annotated-types-like objects."""
    found: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for item in meta:
        inner_validators = getattr(item, "_validators", None) or getattr(item, "validator", None)
        if isinstance(inner_validators, tuple | list) or (inner_validators is not None and callable(inner_validators)):
            more_found, more_extras = _constraints(list(inner_validators) if isinstance(inner_validators, tuple | list)
                                                   else [inner_validators])  # attrs and_(...) / optional(...)
            found.update(more_found)
            extras.update(more_extras)
        op, bound = getattr(item, "compare_op", None), getattr(item, "bound", None)
        if op in _OPERATORS and bound is not None:  # attrs.validators.ge/gt/le/lt
            found[_OPERATORS[op]] = bound
        options = getattr(item, "options", None)
        if isinstance(options, tuple | list | frozenset | set) and options and hasattr(item, "_original_options"):
            found["options"] = list(getattr(item, "_original_options", options))  # attrs.validators.in_
        nested = getattr(item, "metadata", None)
        if isinstance(nested, list) and hasattr(item, "annotation"):  # a pydantic FieldInfo inside Annotated
            inner, more = _constraints(nested)
            found.update(inner)
            extras.update(more)
        for key in _CONSTRAINTS:
            value = getattr(item, key, None)
            if isinstance(value, re.Pattern):
                value = value.pattern  # attrs.validators.matches_re
            if value is not None and not callable(value):
                found[key] = value
        description = getattr(item, "description", None)
        if isinstance(description, str):
            extras["description"] = description
        synth = _synth_extra(item)
        if synth:
            extras.update(synth)
    return found, extras


def _bounds(found: dict[str, Any], spec: dict[str, Any], kind: str) -> None:
    def text(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date | dt.time) else value

    for key, bound, exclusive in (("ge", "min", False), ("gt", "min", True), ("le", "max", False),
                                  ("lt", "max", True)):
        if key in found:
            spec[bound] = text(found[key])
            if exclusive:
                spec[f"exclusive_{bound}"] = True
    if "multiple_of" in found:
        spec["multiple_of"] = found["multiple_of"]
    if "decimal_places" in found:
        spec["precision"] = found["decimal_places"]
    if kind == "array":
        for key, target in (("min_length", "min_items"), ("max_length", "max_items")):
            if key in found:
                spec[target] = found[key]
    else:
        for key in ("min_length", "max_length", "pattern"):
            if key in found:
                spec[key] = found[key]


def _spec(hint: Any, meta: list[Any], path: str, name: str, seen: tuple[type, ...]) -> dict[str, Any]:
    bare, meta, nullable = _unwrap(hint, meta)
    found, extras = _constraints(meta)
    options = found.pop("options", None)
    spec = {"type": "enum", "enum": options} if options else _kind(bare, path, name, seen, found)
    _bounds(found, spec, spec["type"])
    if nullable:
        spec["nullable"] = True
    spec.update(extras)
    return spec


def _kind(bare: Any, path: str, name: str, seen: tuple[type, ...], found: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(bare)
    where = path
    if isinstance(bare, str | typing.ForwardRef):
        raise SchemaError(f"the type hint {bare!r} is not resolved (pydantic: call Model.model_rebuild())", where)
    if origin in (typing.Union, types.UnionType):
        raise SchemaError(f"a union of several types ({bare}) is not supported; use one type (Optional is fine)",
                          where)
    if origin is typing.Literal:
        return {"type": "enum", "enum": [v.value if isinstance(v, enum.Enum) else v for v in typing.get_args(bare)]}
    if isinstance(bare, type) and issubclass(bare, enum.Enum):
        return {"type": "enum", "enum": [m.value for m in bare]}
    if bare in _SCALARS:
        kind = _SCALARS[bare]
        if kind == "string" and not found.get("pattern"):
            key = name.lower()
            if key in _NAMED and _NAMED[key] not in _NOT_BY_NAME:
                kind = _NAMED[key]
        return {"type": kind}
    if isinstance(bare, type) and bare.__name__ in _BY_CLASS_NAME:
        return {"type": _BY_CLASS_NAME[bare.__name__]}
    if origin in _ARRAYS or bare in _ARRAYS:
        args = typing.get_args(bare)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise SchemaError(f"a fixed-length tuple ({bare}) is not supported; use list[T] or tuple[T, ...]", where)
        if not args:
            raise SchemaError(f"a {getattr(origin or bare, '__name__', bare)} needs its item type, "
                              "e.g. list[str]", where)
        item = _spec(args[0], [], f"{path}[]", name, seen)
        spec: dict[str, Any] = {"type": "array", "items": item}
        if origin in (set, frozenset, typing.AbstractSet):
            spec["unique_items"] = True
        return spec
    if is_model_type(bare):
        if bare in seen:
            raise SchemaError(f"{bare.__name__} contains itself; a recursive model has no finite record", where)
        return {"type": "object", "fields": _model_fields(bare, path, (*seen, bare))}
    if origin in (dict, Mapping, typing.MutableMapping) or bare in (dict, Mapping):
        raise SchemaError("a dict or Mapping field is not supported; use a nested model", where)
    label = getattr(bare, "__name__", None) or str(bare)
    raise SchemaError(f"type {label} has no mapping (supported: bool, int, float, Decimal, str, datetime, date, time, "
                      "UUID, IP addresses, Literal, Enum, Optional, list/set/tuple[T, ...], nested models)", where)
