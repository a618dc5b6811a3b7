"""Does a record satisfy its schema: used on LLM output and by `validate`."""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from agentic_synth.domain.schema.schema import Field, Schema, thaw

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$", re.IGNORECASE)
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$")
_TOKEN = re.compile(r"^[A-Za-z0-9$./+=_-]+$")


@attrs.frozen
class Violation:
    """One way a record breaks its schema: the field path and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def iban_is_valid(value: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    if not _IBAN.match(value):
        return False
    moved = value[4:] + value[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def _parse_datetime(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _ok(check: Callable[[str], Any]) -> Callable[[Any], bool]:
    def run(value: Any) -> bool:
        try:
            check(value)
        except (ValueError, TypeError):
            return False
        return True
    return run


_STRING_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "email": (lambda v: bool(_EMAIL.match(v)), "is not an email address"),
    "url": (lambda v: bool(_URL.match(v)), "is not an http(s) URL"),
    "domain": (lambda v: bool(_DOMAIN.match(v)), "is not a domain name"),
    "uuid": (_ok(uuid.UUID), "is not a UUID"),
    "ipv4": (_ok(ipaddress.IPv4Address), "is not an IPv4 address"),
    "ipv6": (_ok(ipaddress.IPv6Address), "is not an IPv6 address"),
    "datetime": (_ok(_parse_datetime), "is not an ISO-8601 date-time"),
    "date": (_ok(dt.date.fromisoformat), "is not an ISO-8601 date"),
    "time": (_ok(dt.time.fromisoformat), "is not an ISO-8601 time"),
    "currency": (lambda v: bool(_CURRENCY.match(v)), "is not an ISO 4217 currency code"),
    "country_code": (lambda v: bool(_COUNTRY_CODE.match(v)), "is not an ISO 3166 alpha-2 code"),
    "iban": (iban_is_valid, "is not a valid IBAN (format or check digits)"),
    "token": (lambda v: bool(_TOKEN.match(v)), "is not a token"),
}


class RecordValidator:
    """Validates records one by one, remembering values of unique fields across the data set."""

    def __init__(self, schema: Schema, *, allow_extra: bool = False) -> None:
        self.schema = schema
        self.allow_extra = allow_extra
        self._seen: dict[str, set[Any]] = {}

    def check(self, record: Any) -> list[Violation]:
        out: list[Violation] = []
        _check_object(record, self.schema.fields, "", out, self.allow_extra, self._seen)
        return out


def validate_record(record: Any, schema: Schema, *, allow_extra: bool = False) -> list[Violation]:
    """Violations of one record (uniqueness is not checked: use RecordValidator for a data set)."""
    out: list[Violation] = []
    _check_object(record, schema.fields, "", out, allow_extra, None)
    return out


def _check_object(record: Any, fields: tuple[Field, ...], path: str, out: list[Violation],
                  allow_extra: bool, seen: dict[str, set[Any]] | None) -> None:
    if not isinstance(record, Mapping):
        out.append(Violation(path or "<record>", f"expected an object, got {type(record).__name__}"))
        return
    names = set()
    for f in fields:
        names.add(f.name)
        where = f"{path}.{f.name}" if path else f.name
        if f.name not in record:
            if f.required:
                out.append(Violation(where, "is missing"))
            continue
        value = record[f.name]
        _check_value(value, f, where, out, allow_extra, seen)
        if seen is not None and f.unique and value is not None:
            key = repr(value)
            bucket = seen.setdefault(where, set())
            if key in bucket:
                out.append(Violation(where, f"duplicate value {value!r} in a unique field"))
            bucket.add(key)
    if not allow_extra:
        for extra in record:
            if extra not in names:
                out.append(Violation(f"{path}.{extra}" if path else str(extra), "is not in the schema"))
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.after and record.get(f.name) is not None and record.get(f.after) is not None:
            try:
                later = _temporal_key(record[f.name], f) > _temporal_key(record[f.after], by_name[f.after])
            except (ValueError, TypeError):
                continue
            if not later:
                out.append(Violation(f"{path}.{f.name}" if path else f.name, f"is not after '{f.after}'"))


def _temporal_key(value: Any, f: Field) -> Any:
    if f.type == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, int | float):
        return float(value)
    parsed = _parse_datetime(value)
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed


def _check_value(value: Any, f: Field, path: str, out: list[Violation], allow_extra: bool,
                 seen: dict[str, set[Any]] | None) -> None:
    if value is None:
        if not f.nullable and None not in f.values and not (f.has_const and f.const is None):
            out.append(Violation(path, "is null but the field is not nullable"))
        return
    kind = f.type
    if kind == "union":  # JSON Schema anyOf/oneOf/type lists: some branch must hold (exclusivity is not judged here)
        assert f.shape is not None
        tries = []
        for branch in f.shape.branches:
            found: list[Violation] = []
            _check_value(value, branch, path, found, allow_extra, None)
            if not found:
                return
            tries.append(found)
        out.append(min(tries, key=len)[0] if tries else Violation(path, "matches no alternative"))
    elif kind == "const":
        if value != thaw(f.const):
            out.append(Violation(path, f"must be {thaw(f.const)!r}"))
    elif kind == "enum":
        if not (value in _plain_values(f) if type(value) in _PLAIN else value in [thaw(v) for v in f.values]):
            shown = [thaw(v) for v in f.values[:_SHOWN]]
            more = f" and {len(f.values) - _SHOWN:,} more" if len(f.values) > _SHOWN else ""
            out.append(Violation(path, f"{value!r} is not one of {shown!r}{more}"))
    elif kind == "boolean":
        if not isinstance(value, bool):
            out.append(Violation(path, f"expected true or false, got {value!r}"))
    elif kind in ("integer", "number", "amount", "latitude", "longitude"):
        _check_number(value, f, path, out)
    elif kind == "object":
        _check_object(value, f.fields, path, out, allow_extra or f.shape is not None, seen)
    elif kind == "array":
        _check_array(value, f, path, out, allow_extra, seen)
    elif kind == "datetime" and f.format in ("epoch", "epoch_ms"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(Violation(path, f"expected a number ({f.format}), got {value!r}"))
    elif not isinstance(value, str):
        out.append(Violation(path, f"expected a string, got {value!r}"))
    else:
        _check_string(value, f, path, out)


_PLAIN = frozenset({str, int, float, bool})
_SHOWN = 20  # enum values a violation lists


@functools.lru_cache(maxsize=256)
def _plain_values(f: Field) -> frozenset[Any]:
    """An enum's texts, numbers and booleans, for a lookup in one step: a plain value equals no other kind of
    value, so this answers `value in values` for it (a million-value enum, checked per record)."""
    return frozenset(v for v in f.values if type(v) in _PLAIN)


def _check_number(value: Any, f: Field, path: str, out: list[Violation]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        out.append(Violation(path, f"expected a number, got {value!r}"))
        return
    if f.type == "integer" and not float(value).is_integer():
        out.append(Violation(path, f"expected an integer, got {value!r}"))
    lo, hi = f.min, f.max
    if f.type == "latitude":
        lo, hi = (-90 if lo is None else lo), (90 if hi is None else hi)
    if f.type == "longitude":
        lo, hi = (-180 if lo is None else lo), (180 if hi is None else hi)
    if lo is not None and (value < lo or (f.exclusive_min and value == lo)):
        out.append(Violation(path, f"{value} is below the minimum {lo}"))
    if hi is not None and (value > hi or (f.exclusive_max and value == hi)):
        out.append(Violation(path, f"{value} is above the maximum {hi}"))
    if f.precision is not None and round(value, f.precision) != value:
        out.append(Violation(path, f"{value} has more than {f.precision} decimals"))
    if f.multiple_of:
        ratio = value / f.multiple_of
        if abs(ratio - round(ratio)) > 1e-9 * max(1.0, abs(ratio)):
            out.append(Violation(path, f"{value} is not a multiple of {f.multiple_of}"))


def _check_string(value: str, f: Field, path: str, out: list[Violation]) -> None:
    check = _STRING_CHECKS.get(f.type)
    if f.pattern is not None and f.shape is None:
        check = None  # a compact field's pattern takes the place of its type's own format (the engine draws from it)
    if check and f.format not in ("name",) and not (f.type == "datetime" and f.format and "%" in f.format):
        ok, what = check
        if not ok(value):
            out.append(Violation(path, f"{value!r} {what}"))
            return
    if f.type in ("datetime", "date", "time") and (f.min is not None or f.max is not None):
        _check_temporal_bounds(value, f, path, out)
    if f.type == "color" and f.format != "name" and not _HEX_COLOR.match(value):
        out.append(Violation(path, f"{value!r} is not a #rrggbb colour"))
    if f.min_length is not None and len(value) < f.min_length:
        out.append(Violation(path, f"is shorter than min_length {f.min_length}"))
    if f.max_length is not None and len(value) > f.max_length:
        out.append(Violation(path, f"is longer than max_length {f.max_length}"))
    matches = re.search if f.shape is not None else re.fullmatch  # JSON Schema patterns are not anchored
    if f.pattern is not None and not matches(f.pattern, value):
        out.append(Violation(path, f"{value!r} does not match pattern {f.pattern!r}"))


def _check_temporal_bounds(value: str, f: Field, path: str, out: list[Violation]) -> None:
    try:
        if f.type == "datetime":
            parsed: Any = _temporal_key(value, f)
        elif f.type == "date":
            parsed = dt.date.fromisoformat(value)
        else:
            parsed = dt.time.fromisoformat(value)
    except ValueError:
        return
    if f.min is not None and parsed < f.min:
        out.append(Violation(path, f"{value} is before the minimum {f.min.isoformat()}"))
    if f.max is not None and parsed > f.max:
        out.append(Violation(path, f"{value} is after the maximum {f.max.isoformat()}"))


def _check_array(value: Any, f: Field, path: str, out: list[Violation], allow_extra: bool,
                 seen: dict[str, set[Any]] | None) -> None:
    if not isinstance(value, list):
        out.append(Violation(path, f"expected an array, got {type(value).__name__}"))
        return
    if len(value) < f.min_items:
        out.append(Violation(path, f"has {len(value)} items, fewer than min_items {f.min_items}"))
    if len(value) > f.max_items and f.shape is None:  # (a JSON Schema field's max_items is only how many are made)
        out.append(Violation(path, f"has {len(value)} items, more than max_items {f.max_items}"))
    if f.unique_items and len({repr(v) for v in value}) != len(value):
        out.append(Violation(path, "has duplicate items"))
    assert f.items is not None
    prefix = f.shape.prefix if f.shape is not None else ()
    for i, item in enumerate(value):
        _check_value(item, prefix[i] if i < len(prefix) else f.items, f"{path}[{i}]", out, allow_extra, None)
