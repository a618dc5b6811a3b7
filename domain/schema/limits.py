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
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.bounds import check_precision_digits
from agentic_synth.domain.schema.fields import Field
from agentic_synth.domain.schema.patterns import parse_pattern
from agentic_synth.domain.schema.types import NUMERIC_TYPES, STRING_VALUED_TYPES

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
DEFAULT_PRECISION = {"amount": 2, "latitude": 6, "longitude": 6}  # the engine's decimals when none is declared
COORDINATE_REACH = {"latitude": 90, "longitude": 180}
# The engine makes records a chunk at a time (CHUNK_SIZE records, fewer in a smaller run), every value of a chunk in
# memory at once: what one chunk may hold at its largest (arrays at max_items, texts at their longest). About 60
# bytes a value and 3.5 a character at the peak of the costliest writer (JSON Lines), so ~600 and ~450 MB.
MAX_CHUNK_VALUES = 10_000_000
MAX_CHUNK_CHARS = 128_000_000
_LONGEST_TEXT = {"paragraph": 1_500, "sentence": 300, "address": 120}  # the engine's longest of each (no min_length)
_LONGEST_OTHER = 64  # any other text: a name, an email, a uuid...
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
            if value and depth + 1 > MAX_DOCUMENT_DEPTH:
                raise SchemaError(f"nested deeper than {MAX_DOCUMENT_DEPTH} levels", _short(path))
            stack.extend((inner, path, depth + 1) for inner in _unchecked(value, path))


def _unchecked(values: list[Any] | tuple[Any, ...], path: str) -> list[Any]:
    """Check a list's plain integers and texts at once (a million-value enum in a blink); the rest is left to
    the walk."""
    rest: list[Any] = []
    ints: list[int] = []
    for value in values:
        kind = type(value)
        if kind is int:
            ints.append(value)
        elif kind is str:
            _check_text(value, path)
        else:
            rest.append(value)
    if ints and not (INT64[0] <= min(ints) and max(ints) <= INT64[1]):
        rest.extend(ints)  # the walk names the one beyond 64 bits
    return rest


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


def check_chunk(fields: tuple[Field, ...], records: int) -> None:
    """The time and memory budget of a record shape: `records` of them at their largest (one chunk of the run)
    must stay within MAX_CHUNK_VALUES values and MAX_CHUNK_CHARS characters of text."""
    if records <= 0:
        return
    values, chars = _largest(fields)
    what = f"records of this shape hold up to {values:,} values" if values * records > MAX_CHUNK_VALUES else (
        f"records of this shape hold up to {chars:,} characters" if chars * records > MAX_CHUNK_CHARS else None)
    if what is None:
        return
    limit = MAX_CHUNK_VALUES if values * records > MAX_CHUNK_VALUES else MAX_CHUNK_CHARS
    fits = limit // (values if limit == MAX_CHUNK_VALUES else chars)
    fewer = f", or make at most {fits:,} record{'s' if fits > 1 else ''}" if fits else ""
    raise SchemaError(f"{what} each (arrays at max_items, texts at their longest), and the engine holds {records:,} "
                      f"at once: more than {limit:,} in memory; lower max_items or min_length{fewer}")


def _largest(fields: tuple[Field, ...]) -> tuple[int, int]:
    """(values, characters of text) of one record at its largest."""
    values = chars = 0
    for f in fields:
        v, c = _largest_value(f)
        values, chars = values + v, chars + c
        if values > MAX_CHUNK_VALUES and chars > MAX_CHUNK_CHARS:
            break
    return values, chars


def _largest_value(f: Field) -> tuple[int, int]:
    shape = f.shape
    if shape is not None and shape.branches:
        sizes = [_largest_value(b) for b in shape.branches]
        return max(v for v, _ in sizes), max(c for _, c in sizes)
    if f.fields or (shape is not None and (shape.additional is not None or shape.patterns)):
        values, chars = _largest(f.fields)
        extra = [g for g in (shape.additional if shape else None, *(g for _, g in (shape.patterns if shape else ())))
                 if g is not None]
        if extra:  # keys beyond the named ones: as many as max_properties allows (else a few, as the engine makes)
            room = max(0, (shape.max_properties if shape and shape.max_properties is not None else
                           len(f.fields) + 5) - len(f.fields))
            sizes = [_largest_value(g) for g in extra]
            values += room * max(v for v, _ in sizes)
            chars += room * (max(c for _, c in sizes) + _LONGEST_OTHER)
        return max(values, 1), chars
    if f.items is not None or (shape is not None and shape.prefix):
        inner = [_largest_value(g) for g in (*((f.items,) if f.items is not None else ()),
                                             *(shape.prefix if shape else ()))]
        items = max(f.max_items, len(shape.prefix) if shape else 0)
        return 1 + items * max(v for v, _ in inner), items * max(c for _, c in inner)
    return 1, _longest_text(f)


def _longest_text(f: Field) -> int:
    if f.type in ("enum", "const"):
        shown = [len(str(v)) for v in (*f.values[:1000], *([f.const] if f.has_const else []))]
        longest = max(shown, default=_LONGEST_OTHER)
    elif f.pattern is not None:
        longest = max(_LONGEST_OTHER, 4 * len(f.pattern))
    elif f.type in STRING_VALUED_TYPES:
        longest = _LONGEST_TEXT.get(f.type, _LONGEST_OTHER)
    else:
        return 0  # a number, a boolean, an instant: held as a value, not as text
    longest = max(longest, f.min_length or 0)
    return min(longest, f.max_length) if f.max_length is not None and f.max_length >= (f.min_length or 0) else longest


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
    reach = COORDINATE_REACH.get(f.type)
    if reach is not None and not (-reach <= bounds[0] and bounds[1] <= reach):
        raise SchemaError(f"{f.type} bounds must lie within -{reach} to {reach}, got {bounds[0]:g} to {bounds[1]:g}",
                          path)
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
    _check_precision(f, lo, hi, path)
    step = f.multiple_of
    if step is not None:
        if not (math.isfinite(step) and step > 0):
            raise SchemaError(f"multiple_of must be a positive finite number, got {step!r}", path)
        steps = (hi - lo) / step
        if not math.isfinite(steps) or steps > MAX_STEPS or max(abs(lo), abs(hi)) / step > MAX_STEPS:
            raise SchemaError(f"multiple_of ({step:g}) is too small for the range {lo:g} to {hi:g} (more than 2^53 "
                              "multiples)", path)


def _check_precision(f: Field, lo: float, hi: float, path: str) -> None:
    """The engine rounds to `precision` decimals by scaling with 10**precision: the largest bound, scaled, must
    stay a finite float64 (beyond it a float64 holds no decimals at all)."""
    digits = f.precision if f.precision is not None else DEFAULT_PRECISION.get(f.type)
    if digits is None or f.multiple_of is not None:
        return
    check_precision_digits(digits, path)  # a Field made in code; the schema formats check it as they read it
    if not math.isfinite(max(abs(lo), abs(hi)) * 10.0**digits):
        raise SchemaError(f"precision ({digits}) is finer than a float64 holds for values up to "
                          f"{max(abs(lo), abs(hi)):g}: lower the precision or the bounds", path)


def _bounds(f: Field) -> tuple[int | float, int | float] | None:
    """The bounds the engine draws between (an unset one DEFAULT_SPAN from the other); None when not numbers."""
    lo, hi = f.min, f.max
    if not all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in (lo, hi)):
        return None
    reach = COORDINATE_REACH.get(f.type)
    if reach is not None:  # a latitude or longitude spans the globe unless told otherwise
        return (-reach if lo is None else lo), (reach if hi is None else hi)
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
    try:
        parsed = parse_pattern(pattern)
    except (re.error, RecursionError, OverflowError):
        return  # not a regular expression: the front ends say so
    if _matches_no_character(parsed):
        raise SchemaError(f"pattern {pattern[:60]!r} has a character set that no character matches", path)
    if not parsed.state.flags & re.MULTILINE and _misplaced_anchor(list(parsed), False, False):
        raise SchemaError(f"pattern {pattern[:60]!r} has a ^ or $ where a character may come before or after it, "
                          "which generated values cannot be made to honour (anchors go at the start and the end)", path)


_STARTS = {"AT_BEGINNING", "AT_BEGINNING_STRING"}
_ENDS = {"AT_END", "AT_END_STRING"}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _consumes(op: Any, av: Any) -> bool:
    """Whether this part of a parsed pattern can take a character (an anchor or an empty group cannot)."""
    name = str(op)
    if name == "AT":
        return False
    if name == "SUBPATTERN":
        return any(_consumes(o, a) for o, a in av[-1])
    if name == "ATOMIC_GROUP":
        return any(_consumes(o, a) for o, a in av)
    if name == "BRANCH":
        return any(_consumes(o, a) for branch in av[1] for o, a in branch)
    if name in _REPEATS:
        return av[1] > 0 and any(_consumes(o, a) for o, a in av[2])
    return name not in ("ASSERT", "ASSERT_NOT")


def _misplaced_anchor(items: list[Any], before: bool, after: bool) -> bool:
    """Whether a `^` could follow a character, or a `$` be followed by one (`(a|b)$(a|b)`: nothing matches, and
    the generator, which draws anchors as nothing, made values that break the pattern). `before`/`after`: the
    sequence sits where a character may come before it / after it."""
    takes = [_consumes(op, av) for op, av in items]
    for i, (op, av) in enumerate(items):
        name = str(op)
        ahead, behind = before or any(takes[:i]), after or any(takes[i + 1:])
        if name == "AT" and ((str(av) in _STARTS and ahead) or (str(av) in _ENDS and behind)):
            return True
        if name == "SUBPATTERN" and _misplaced_anchor(list(av[-1]), ahead, behind):
            return True
        if name == "ATOMIC_GROUP" and _misplaced_anchor(list(av), ahead, behind):
            return True
        if name == "BRANCH" and any(_misplaced_anchor(list(branch), ahead, behind) for branch in av[1]):
            return True
        if name in _REPEATS:
            again = av[1] > 1 and takes[i]  # a second round comes after the first
            if _misplaced_anchor(list(av[2]), ahead or again, behind or again):
                return True
    return False


_COMPLEMENTS = ({"CATEGORY_DIGIT", "CATEGORY_NOT_DIGIT"}, {"CATEGORY_WORD", "CATEGORY_NOT_WORD"},
                {"CATEGORY_SPACE", "CATEGORY_NOT_SPACE"})


def _matches_no_character(items: Any) -> bool:
    r"""Whether a parsed pattern holds a `[^...]` that excludes every character (`[^\x00-\U0010ffff]`, `[^\s\S]`):
    the generators would draw from nothing."""
    for op, av in items:
        name = str(op)
        if name == "IN":
            ops = {str(o) for o, _ in av}
            if "NEGATE" in ops:
                spans = sorted((a, a) if str(o) == "LITERAL" else a for o, a in av if str(o) in ("LITERAL", "RANGE"))
                covered, reach = False, -1
                for lo, hi in spans:
                    if lo > reach + 1:
                        break
                    reach = max(reach, hi)
                covered = reach >= sys.maxunicode
                cats = {str(a) for o, a in av if str(o) == "CATEGORY"}
                if covered or any(pair <= cats for pair in _COMPLEMENTS):
                    return True
        elif name == "BRANCH":
            if any(_matches_no_character(branch) for branch in av[1]):
                return True
        elif name == "SUBPATTERN":
            if _matches_no_character(av[-1]):
                return True
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[1] > 0 and _matches_no_character(av[2]):
                return True
        elif name in ("ATOMIC_GROUP",) and _matches_no_character(av):
            return True
    return False


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
