"""Uniqueness by construction: a unique field's value for record i is a bijection of (seed, field, i).

The record's index goes through a keyed permutation (permutation.py) into the field's value space,
and the resulting number p is written into the value: as the value itself (integers, dates, grid
numbers, a vocabulary entry), into fixed slots (patterns, phones, uuids: unique_slots.py), or as a
distinct number inside an ordinary value (an email's local part, a name's suffix). Nothing is
remembered, memory is O(1) in the count, and any split of the index range stays unique.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import as_list
from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.draws import fill_template, locale_of
from agentic_synth.adapters.engine.permutation import permute
from agentic_synth.adapters.engine.semantic import iban_parts, iban_text
from agentic_synth.adapters.engine.unique_index import index_space, value_at
from agentic_synth.adapters.engine.unique_slots import (
    Slots,
    choose,
    digits,
    draw_run,
    fixed_run,
    pattern_slots,
    stamp,
    template_slots,
)
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Field

Maker = Callable[[Field, Ctx], Sequence[Any]]
DEFAULT_CAPACITY = 10**12  # the index space of a run without a count (events --realtime)
_HEX = "0123456789abcdef"
_UUID = [{"#": _HEX, "V": "89ab"}.get(c, c) for c in "########-####-4###-V###-############"]
_DIGITS = "0123456789"


def check_unique(f: Field, locale: str, capacity: int, where: str) -> None:
    """Refuse up front a unique field that cannot hold `capacity` distinct values (or cannot be unique)."""
    if f.type in ("object", "array"):
        raise SchemaError("unique applies to values, not to an object or array; mark a field inside it unique",
                          where)
    if f.after:
        raise SchemaError(f"unique cannot be combined with 'after' ('{f.after}'): the value follows another field",
                          where)
    space = index_space(f, f.locale or locale)
    if space is not None:
        if space < capacity:
            raise SchemaError(f"unique: this field can take at most {space} distinct values, "
                              f"fewer than the {capacity} records asked for", where)
        return
    _slots(f, f.locale or locale, capacity, where)
    if f.max_length is not None and f.type in _SUFFIXED_TYPES:
        room = f.max_length - len(str(_number_space(capacity) - 1)) - 1
        if room < 0:
            raise SchemaError(f"unique: max_length {f.max_length} leaves no room for the distinct number "
                              f"that {capacity:,} records need", where)


def unique_column(f: Field, ctx: Ctx, make: Maker, *, key: int, capacity: int, where: str,
                  index: np.ndarray | None = None) -> Sequence[Any]:
    """The field's values for records `index` (default offset .. offset+n), distinct for distinct indices."""
    idx = index if index is not None else np.arange(ctx.offset, ctx.offset + ctx.n, dtype=np.uint64)
    locale = locale_of(f, ctx)
    space = index_space(f, locale)
    if space is not None:
        p = permute(idx, space, key)
        if p.size and int(p.max()) >= space:
            raise SchemaError(f"unique: ran out of the {space} distinct values", where)
        return value_at(f, locale, p, ctx)
    slots = _slots(f, locale, capacity, where)
    if slots is not None:
        p = permute(idx, slots.space, key)
        if f.type == "iban" and f.pattern is None:  # the BBAN ends the IBAN: its tail carries the number
            keep = _usable(f, locale, capacity, where)
            rows = [r for r, ok in zip(vocab.table("iban_formats.tsv"), keep, strict=True) if ok]
            codes, bbans = iban_parts(ctx, rows)
            return iban_text(codes, stamp(bbans, slots, p))
        return stamp(_slotted_base(f, ctx, make, capacity, where), slots, p)
    if f.type == "ipv6":
        return _ipv6(as_list(make(f, ctx)), idx, key, capacity)
    k = permute(idx, _number_space(capacity), key).tolist()
    return _with_number(f, as_list(make(f, ctx)), k)


def _number_space(capacity: int) -> int:
    """Distinct numbers 0 .. 10**d - 1, with d the digits the capacity needs."""
    return 10 ** len(str(max(capacity, 10) - 1))


def _slots(f: Field, locale: str, capacity: int, where: str) -> Slots | None:
    if f.pattern is not None:
        return pattern_slots(f.pattern, capacity, where)
    if f.type == "uuid":
        return _fixed(_UUID, capacity, where)
    if f.type == "token":
        return _fixed([_HEX] * int(f.option("length", f.max_length or 64)), capacity, where)
    templates = _templates(f, locale)
    if templates is not None:
        return template_slots(templates, capacity, where, reference=_reference(f))[1]
    return None


def _fixed(run: list[str], capacity: int, where: str) -> Slots:
    slots = choose(run, capacity, from_end=True)
    if slots is None:
        space = math.prod(max(1, len(a)) for a in run)
        raise SchemaError(f"unique: this field can take at most {space:,} distinct values, "
                          f"fewer than the {capacity:,} records asked for", where)
    return slots


def _templates(f: Field, locale: str) -> list[str] | None:
    """The '#' templates a field's values are filled from (phones, postcodes, BBANs), or None."""
    if f.type == "phone":
        return list(vocab.words("phone_formats.txt", locale))
    if f.type == "postcode":
        return [re.sub(r"\d", "#", str(vocab.cities(locale).postcodes[0]))]
    if f.type == "iban":
        return [r[2] for r in vocab.table("iban_formats.tsv")]
    return None


def _usable(f: Field, locale: str, capacity: int, where: str) -> np.ndarray:
    """Which templates share the tail layout that carries the number (the others are not used)."""
    templates = _templates(f, locale)
    assert templates is not None
    return template_slots(templates, capacity, where, reference=_reference(f))[0]


def _reference(f: Field) -> int:
    """The template whose tail the others must share: for IBANs one ending in the longest run of digits."""
    if f.type != "iban":
        return 0
    bbans = [r[2] for r in vocab.table("iban_formats.tsv")]
    return max(range(len(bbans)), key=lambda i: len(bbans[i]) - len(bbans[i].rstrip("#")))


def _slotted_base(f: Field, ctx: Ctx, make: Maker, capacity: int, where: str) -> list[Any]:
    """Ordinary values; phones and postcodes only from templates whose tail carries the slots."""
    templates = _templates(f, locale_of(f, ctx))
    if f.pattern is not None:
        run = fixed_run(f.pattern)  # a fixed-length pattern is drawn column-wise, not value by value
        return draw_run(run, ctx.rng, ctx.n) if run is not None else as_list(make(f, ctx))
    if templates is None:
        return as_list(make(f, ctx))
    usable = np.array(templates, dtype=object)[_usable(f, locale_of(f, ctx), capacity, where)]
    return fill_template(usable[ctx.rng.integers(0, len(usable), ctx.n)], ctx.rng)


def _ipv6(values: list[Any], idx: np.ndarray, key: int, capacity: int) -> list[Any]:
    """The last groups of each address carry the number, in base 65536 (groups are ':'-separated)."""
    groups = max(1, math.ceil(math.log(max(capacity, 2), 65536)))
    parts = digits(permute(idx, 65536 ** groups, key), [65536] * groups)
    tails = [":".join(f"{g:x}" for g in reversed(row)) for row in zip(*(d.tolist() for d in parts), strict=True)]
    return [":".join(v.split(":")[:8 - groups]) + ":" + t for v, t in zip(values, tails, strict=True)]


_SUFFIXED_TYPES = frozenset({"string", "word", "sentence", "paragraph", "name", "first_name", "last_name",
                             "company", "job", "product_name", "street", "address", "city", "country",
                             "username"})


def _with_number(f: Field, values: list[Any], numbers: list[int]) -> list[Any]:
    """Write each record's distinct number into its ordinary value, where it can be read back."""
    if f.type == "email":
        out = []
        for v, k in zip(values, numbers, strict=True):
            local, _, domain = v.rpartition("@")
            out.append(f"{local.rstrip(_DIGITS)}{k}@{domain}")
        return out
    if f.type == "domain":
        return [f"{label.rstrip(_DIGITS)}{k}.{rest}" for (label, _, rest), k in
                zip((v.partition(".") for v in values), numbers, strict=True)]
    if f.type == "url":
        return [f"{v.rstrip('/')}/{k}" for v, k in zip(values, numbers, strict=True)]
    glue = "" if f.type == "username" else " "
    lo, hi = f.min_length or 0, f.max_length
    out = []
    for v, k in zip(values, numbers, strict=True):
        base = str(v).rstrip(_DIGITS) if f.type == "username" else str(v)
        tail = f"{glue}{k}"
        if hi is not None:
            base = base[:hi - len(tail)]
        value = base + tail
        out.append(value + "x" * (lo - len(value)) if len(value) < lo else value)
    return out

