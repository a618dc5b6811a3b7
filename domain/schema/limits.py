"""The limits every schema is checked against up front, so nothing accepted can crash, hang or blow memory.

Two checks, both one-line SchemaErrors naming the path: `check_document` walks the raw JSON before
either front end parses it (nesting depth, valid Unicode in every key and text, finite numbers and
integers within 64 bits); `check_fields`
walks the parsed Fields (depth, total fields, the worst-case size of one record, sizes of arrays and
texts, numeric ranges the engine's int64/float64 columns can draw from, multiples that exist and can
be counted, patterns the generator can honour, `after` graphs without cycles, names that stay unique
once nested names are joined with dots for CSV). The figures are documented in docs/schema.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.fields import Field
from agentic_synth.domain.schema.types import NUMERIC_TYPES

MAX_DOCUMENT_DEPTH = 200  # nesting of the raw JSON (a JSON Schema spends two levels per object)
MAX_DEPTH = 32  # objects and arrays inside one another (Parquet readers stop near 100)
MAX_FIELDS = 10_000  # fields in all, nested ones included
MAX_ITEMS = 100_000  # max_items of one array
MAX_TEXT = 100_000  # min_length of one text
MAX_CELLS = 1_000_000  # values in one record at its largest (arrays at max_items)
INT64 = (-(2**63), 2**63 - 1)
MAX_STEPS = 2**53  # multiples of multiple_of between min and max that a float64 can still count
MAX_PATTERN = 1_000  # characters of a pattern
MAX_REPEAT = 1_000  # the largest {m,n} count in a pattern
DEFAULT_SPAN = 1000.0  # an unset bound lies this far from the other (as the engine draws)
_REPEAT = re.compile(r"(?<!\\)\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
_UNSUPPORTED = (("\\b", "a word boundary (\\b)"), ("\\B", "\\B"), ("(?=", "a lookahead"), ("(?!", "a lookahead"),
                ("(?<=", "a lookbehind"), ("(?<!", "a lookbehind"), ("(?P=", "a back-reference"))
_BACKREF = re.compile(r"(?<!\\)\\[1-9]")


def check_document(payload: Any) -> None:
    """The raw schema: no deeper than MAX_DOCUMENT_DEPTH, every key and text valid Unicode, every number one
    that JSON and the writers hold (finite; integers within 64 bits). Walked without recursion, so any depth
    is safe to check."""
    stack: list[tuple[Any, str, int]] = [(payload, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DOCUMENT_DEPTH:
            raise SchemaError(f"nested deeper than {MAX_DOCUMENT_DEPTH} levels", _short(path))
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, float) and not math.isfinite(value):
            raise SchemaError(f"{value} is not a JSON number (NaN and Infinity cannot be written)", _short(path))
        elif isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            digits = len(str(abs(value)))
            raise SchemaError(f"a {digits}-digit integer lies beyond 64-bit integers (no output format holds it)",
                              _short(path))
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                _check_text(str(key), path)
                stack.append((inner, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list | tuple):
            stack.extend((inner, path, depth + 1) for inner in value)


def _short(path: str) -> str:
    return path if len(path) <= 80 else f"{path[:38]}…{path[-38:]}"


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        where = _short(path).encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise SchemaError(f"{shown[:60]!r} is not valid Unicode (a lone surrogate)", where) from None


def check_fields(fields: tuple[Field, ...]) -> None:
    """The parsed fields against every limit of the module docstring."""
    for total, (field, path, depth) in enumerate(_walk(fields, "", 1), start=1):
        if depth - 1 > MAX_DEPTH:  # a field at depth d lies inside d - 1 objects or arrays
            raise SchemaError(f"objects and arrays nest deeper than {MAX_DEPTH} levels", _short(path))
        if total > MAX_FIELDS:
            raise SchemaError(f"the schema has more than {MAX_FIELDS:,} fields")
        _check_sizes(field, path)
        _check_numbers(field, path)
        if field.pattern is not None:
            _check_pattern(field.pattern, path)
    _check_names(fields, "")
    check_after_graph(fields, "")
    for field, path, _ in _walk(fields, "", 1):
        if field.fields:
            check_after_graph(field.fields, path)
    cells = _cells(fields)
    if cells > MAX_CELLS:
        raise SchemaError(f"one record may hold {cells:,} values at its largest (arrays at max_items), more than "
                          f"{MAX_CELLS:,}; lower max_items")


def _walk(fields: tuple[Field, ...], prefix: str, depth: int) -> Iterator[tuple[Field, str, int]]:
    for f in fields:
        path = f"{prefix}.{f.name}" if prefix else f.name
        yield f, path, depth
        yield from _walk(f.fields, path, depth + 1)
        if f.items is not None:
            yield from _walk((f.items,), path, depth + 1)


def _cells(fields: tuple[Field, ...]) -> int:
    total = 0
    for f in fields:
        inner = _cells(f.fields) if f.fields else 1
        if f.items is not None:
            inner = 1 + f.max_items * _cells((f.items,))
        total += inner
        if total > MAX_CELLS:
            return total
    return total


def _check_sizes(f: Field, path: str) -> None:
    if f.items is not None and f.max_items > MAX_ITEMS:
        raise SchemaError(f"max_items ({f.max_items:,}) is more than {MAX_ITEMS:,}", path)
    if f.min_length is not None and f.min_length > MAX_TEXT:
        raise SchemaError(f"min_length ({f.min_length:,}) is more than {MAX_TEXT:,} characters", path)


def _check_numbers(f: Field, path: str) -> None:
    if f.type not in NUMERIC_TYPES:
        return
    if f.multiple_of is not None and f.type in ("latitude", "longitude"):
        raise SchemaError(f"multiple_of does not apply to {f.type} (use type number with min and max)", path)
    bounds = _bounds(f)
    if bounds is None:
        return
    if f.type == "integer" and (bounds[0] < INT64[0] or bounds[1] > INT64[1]):
        raise SchemaError(f"integer bounds must lie within 64-bit integers ({INT64[0]} to {INT64[1]})", path)
    try:
        lo, hi = float(bounds[0]), float(bounds[1])
    except OverflowError:
        raise SchemaError("min or max is beyond the largest float64", path) from None
    if not math.isfinite(hi - lo):
        raise SchemaError(f"max - min ({hi:g} - {lo:g}) is beyond the largest float64", path)
    if hi < lo or (hi == lo and (f.exclusive_min or f.exclusive_max)):
        raise SchemaError(f"no value lies between min ({lo:g}) and max ({hi:g})", path)
    if f.type == "integer" and _no_integer_inside(f, lo, hi):
        raise SchemaError(f"no whole number lies between min ({lo:g}) and max ({hi:g})", path)
    step = f.multiple_of
    if step is not None:
        if not (math.isfinite(step) and step > 0):
            raise SchemaError(f"multiple_of must be a positive finite number, got {step!r}", path)
        steps = (hi - lo) / step
        if not math.isfinite(steps) or steps > MAX_STEPS or max(abs(lo), abs(hi)) / step > MAX_STEPS:
            raise SchemaError(f"multiple_of ({step:g}) is too small for the range {lo:g} to {hi:g} (more than 2^53 "
                              "multiples)", path)


def _bounds(f: Field) -> tuple[int | float, int | float] | None:
    """The bounds the engine draws between (an unset one DEFAULT_SPAN from the other); None when not numbers."""
    lo, hi = f.min, f.max
    if not all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in (lo, hi)):
        return None
    if lo is None:
        lo = hi - DEFAULT_SPAN if hi is not None else 0.0
    if hi is None:
        hi = lo + DEFAULT_SPAN
    return lo, hi


def _no_integer_inside(f: Field, lo: float, hi: float) -> bool:
    first, last = math.ceil(lo), math.floor(hi)
    first += int(f.exclusive_min and first == lo)
    last -= int(f.exclusive_max and last == hi)
    return first > last


def _check_pattern(pattern: str, path: str) -> None:
    if len(pattern) > MAX_PATTERN:
        raise SchemaError(f"the pattern is longer than {MAX_PATTERN:,} characters", path)
    for spelling, what in _UNSUPPORTED:
        if spelling in pattern.replace("\\\\", ""):
            raise SchemaError(f"pattern {pattern[:60]!r} uses {what}, which generated values cannot be made to "
                              "honour", path)
    if _BACKREF.search(pattern.replace("\\\\", "")):
        raise SchemaError(f"pattern {pattern[:60]!r} uses a back-reference, which generated values cannot be made "
                          "to honour", path)
    for low, high in _REPEAT.findall(pattern):
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise SchemaError(f"pattern {pattern[:60]!r} repeats more than {MAX_REPEAT:,} times", path)


def _check_names(fields: tuple[Field, ...], prefix: str) -> None:
    """Nested names joined with dots (the CSV columns) must stay unique: `a.b` beside `a: {b}` is refused."""
    seen: set[str] = set()
    for _, path, _ in _walk(fields, prefix, 1):
        if path in seen:
            raise SchemaError(f"the name '{path}' is taken twice once nested names are joined with dots", path)
        seen.add(path)


def check_after_graph(fields: tuple[Field, ...], path: str) -> None:
    """Fields chained with `after` must not come back to where they started (a cycle of any length)."""
    by_name = {f.name: f for f in fields}
    for start in fields:
        seen = {start.name}
        current = start
        while current.after is not None and current.after in by_name:
            if current.after in seen:
                where = f"{path}.{start.name}" if path else start.name
                raise SchemaError(f"'after' makes a cycle through {', '.join(sorted(seen))}", where)
            seen.add(current.after)
            current = by_name[current.after]
