"""Slots a distinct number can be written into: the fixed run at either end of a pattern or of templates.

A value is made as usual (rstr for a pattern, a filled template for a phone...), then the characters at
a few fixed positions, counted from the end (or the start) of the value, are overwritten with the digits
of a number p in a mixed radix. Where every candidate value has the same layout over those positions,
two values that are equal have equal digits there, so distinct numbers give distinct values.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from agentic_synth.domain.errors import SchemaError

try:  # Python 3.11+: the regular expression parser's own module (sre_parse warns as deprecated)
    import re._constants as _sre  # type: ignore[import-not-found]
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

MAX_SPACE = 2**64 - 1
_PRINTABLE = "".join(c for c in string.printable if c not in "\t\n\r\x0b\x0c")
_CATEGORIES = {_sre.CATEGORY_DIGIT: string.digits, _sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
               _sre.CATEGORY_SPACE: " "}
_TEMPLATE = {"#": string.digits, "N": "23456789", "A": string.ascii_uppercase}
_VARIABLE = None  # an item of unknown length: a fixed run stops there


@attrs.frozen
class Slots:
    """Where the number goes: positions (from the end when `from_end`) and each position's alphabet."""

    positions: tuple[int, ...]
    alphabets: tuple[str, ...]
    from_end: bool = True

    @property
    def space(self) -> int:
        out = 1
        for a in self.alphabets:
            out *= len(a)
        return out


def choose(run: Sequence[str], capacity: int, *, from_end: bool) -> Slots | None:
    """The fewest positions of a run (walked from its outer end) whose alphabets hold `capacity` numbers."""
    positions: list[int] = []
    alphabets: list[str] = []
    space = 1
    walk = range(len(run) - 1, -1, -1) if from_end else range(len(run))
    for i in walk:
        if space >= capacity:
            break
        if len(run[i]) > 1:
            positions.append(len(run) - 1 - i if from_end else i)
            alphabets.append(run[i])
            space *= len(run[i])
    if space < capacity or space > MAX_SPACE:
        return None
    return Slots(positions=tuple(positions), alphabets=tuple(alphabets), from_end=from_end)


def pattern_slots(pattern: str, capacity: int, where: str) -> Slots:
    """Slots in the fixed-length run at the end (else the start) of what `pattern` matches."""
    items = _flatten(_parser.parse(pattern))
    tail = _run(reversed(items))[::-1]
    head = _run(iter(items))
    for run, from_end in ((tail, True), (head, False)):
        slots = choose(run, capacity, from_end=from_end)
        if slots is not None:
            return slots
    best = max(_space(tail), _space(head))
    raise SchemaError(f"unique: pattern {pattern!r} can make at most {best:,} distinct values in a fixed part "
                      f"(its first or last characters), fewer than the {capacity:,} records asked for; "
                      "give it a longer fixed-length start or end, e.g. [A-Z0-9]{10}", where)


def fixed_run(pattern: str) -> list[str] | None:
    """The alphabet of every character of what `pattern` matches, when all its matches have one length
    and every character's alphabet is known; else None."""
    items = _flatten(_parser.parse(pattern))
    if _VARIABLE in items or any(item == "" for item in items):
        return None
    return [item for item in items if item is not None]


def draw_run(run: Sequence[str], rng: np.random.Generator, n: int) -> list[Any]:
    """n random values of a fixed run, a character from each position's alphabet (vectorised)."""
    codes = np.empty((n, len(run)), dtype=np.uint32)
    for i, alphabet in enumerate(run):
        table = np.frombuffer(alphabet.encode("utf-32-le"), dtype=np.uint32)
        codes[:, i] = table[rng.integers(0, len(table), n)] if len(table) > 1 else table[0]
    out: list[Any] = codes.view(f"<U{max(1, len(run))}").ravel().tolist() if run else [""] * n
    return out


def template_slots(templates: Sequence[str], capacity: int, where: str,
                   reference: int = 0) -> tuple[np.ndarray, Slots]:
    """For '#'/'N'/'A' templates: which share the reference template's tail layout, and the slots there."""
    runs = [[_TEMPLATE.get(c, c) for c in t] for t in templates]
    first = runs[reference]
    slots = choose(first, capacity, from_end=True)
    if slots is None:
        raise SchemaError(f"unique: this field can take at most {_space(first):,} distinct values, "
                          f"fewer than the {capacity:,} records asked for", where)
    span = max(slots.positions) + 1
    keep = np.array([len(r) >= span and r[-span:] == first[-span:] for r in runs], dtype=bool)
    return keep, slots


def digits(p: np.ndarray, radices: Sequence[int]) -> list[np.ndarray]:
    """p (< the product of the radices) in a mixed radix, least significant first."""
    out = []
    rest = p.astype(np.uint64)
    for r in radices:
        out.append((rest % np.uint64(r)).astype(np.int64))
        rest = rest // np.uint64(r)
    return out


def stamp(values: list[Any], slots: Slots, p: np.ndarray) -> list[Any]:
    """Overwrite the slots of each value with the digits of its number (vectorised over UTF-32 code points)."""
    if not values:
        return values
    arr = np.array(values, dtype=str)
    width = arr.dtype.itemsize // 4
    codes = arr.view(np.uint32).reshape(len(values), width).copy()
    lengths = np.char.str_len(arr)
    rows = np.arange(len(values))
    for pos, alphabet, digit in zip(slots.positions, slots.alphabets, digits(p, [len(a) for a in slots.alphabets]),
                                    strict=True):
        table = np.frombuffer(alphabet.encode("utf-32-le"), dtype=np.uint32)
        col = lengths - 1 - pos if slots.from_end else np.full(len(values), pos)
        codes[rows, col] = table[digit]
    out: list[Any] = codes.view(f"<U{width}").ravel().tolist()
    return out


def _flatten(parsed: Any) -> list[str | None]:
    """Items of a parsed pattern: an alphabet per character, or None for a part of unknown length."""
    out: list[str | None] = []
    for op, av in parsed:
        if op is _sre.LITERAL:
            out.append(chr(av))
        elif op is _sre.IN:
            out.append(_alphabet(av))
        elif op is _sre.ANY:
            out.append(_PRINTABLE)
        elif op is _sre.SUBPATTERN:
            out.extend(_flatten(av[-1]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            inner = _flatten(sub)
            if lo == hi and _VARIABLE not in inner:
                out.extend(inner * lo)
            else:
                out.extend(inner * lo)
                out.append(_VARIABLE)
        elif op is _sre.AT:
            continue
        else:  # alternatives, back references, look-arounds: length or content not fixed
            out.append(_VARIABLE)
    return out


def _alphabet(items: Any) -> str:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is _sre.CATEGORY and av in _CATEGORIES:
            chars.update(_CATEGORIES[av])
        else:  # a negated class or another category: one character, from an alphabet not known here
            return ""
    return "".join(sorted(chars))


def _run(items: Any) -> list[str]:
    run: list[str] = []
    for item in items:
        if item is _VARIABLE:
            break
        run.append(item)
    return run


def _space(run: Sequence[str]) -> int:
    out = 1
    for a in run:
        out *= max(1, len(a))
    return out
