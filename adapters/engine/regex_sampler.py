"""Strings that match a regular expression, drawn from a seeded random.Random (JSON Schema `pattern`s).

rstr caps every repeat at 100 (so `[a-f0-9]{128}` fails) and exrex draws from the global random
module, so neither suits a seeded engine with length bounds. This walks Python's own parse of the
pattern: bounded repeats are honoured exactly, unbounded ones (`*`, `+`, `{n,}`) stop at a limit
that a maxLength lowers and a minLength raises. Characters come from printable ASCII where the
pattern allows it. Lookarounds are skipped: the compiler marks such a field checked, so values that
break one are redrawn.
"""

from __future__ import annotations

import random
import string
from typing import Any

try:  # Python 3.11+
    import re._constants as sre_constants  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]

from agentic_synth.domain.schema.patterns import parse_pattern

_PRINTABLE = string.ascii_letters + string.digits + " -_.:/@#+=,;!?~*$%&()[]{}<>'\"^|\\`"
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: string.digits,
    sre_constants.CATEGORY_NOT_DIGIT: string.ascii_letters + "_-. ",
    sre_constants.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_constants.CATEGORY_NOT_WORD: " -.:/@#+=,;!?",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits + "-_.",
}
UNBOUNDED = 8  # how often `*` and `+` repeat at most (without a maxLength)


class UnsupportedPattern(ValueError):
    """The pattern uses something this sampler does not draw (a lookaround, a conditional group)."""


class RegexSampler:
    """Draws strings matching `pattern` (fullmatch, so they also match it unanchored)."""

    def __init__(self, pattern: str, rng: random.Random, *, min_length: int = 0, max_length: int | None = None) -> None:
        self.parsed = parse_pattern(pattern)
        self.rng = rng
        self.limit = UNBOUNDED if max_length is None else max(1, min(UNBOUNDED, max_length))
        if min_length > self.limit:
            self.limit = min_length
        self._groups: dict[int, str] = {}
        self._sets: dict[int, str] = {}  # the characters each [...] of the parse may draw, worked out once

    def draw(self) -> str:
        self._groups = {}
        return self._sequence(self.parsed)

    def _sequence(self, items: Any) -> str:
        return "".join(self._one(op, av) for op, av in items)

    def _one(self, op: Any, av: Any) -> str:
        rng = self.rng
        if op is sre_constants.LITERAL:
            return chr(av)
        if op is sre_constants.NOT_LITERAL:
            return rng.choice([c for c in _PRINTABLE if ord(c) != av])
        if op is sre_constants.ANY:
            return rng.choice(_PRINTABLE)
        if op is sre_constants.IN:
            return self._set(av)
        if op is sre_constants.BRANCH:
            return self._sequence(rng.choice(av[1]))
        if op is sre_constants.SUBPATTERN:
            group, body = av[0], av[-1]
            text = self._sequence(body)
            if group is not None:
                self._groups[group] = text
            return text
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or op is getattr(
                sre_constants, "POSSESSIVE_REPEAT", None):
            lo, hi, body = av
            hi = lo + self.limit if hi is sre_constants.MAXREPEAT else hi
            return "".join(self._sequence(body) for _ in range(rng.randint(lo, max(lo, hi))))
        if op is getattr(sre_constants, "ATOMIC_GROUP", None):
            return self._sequence(av)
        if op is sre_constants.GROUPREF:
            return self._groups.get(av, "")
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            return ""  # anchors draw nothing; lookarounds are not drawn (the field is checked, failures redrawn)
        if op is sre_constants.CATEGORY:
            return rng.choice(_CATEGORIES.get(av, string.ascii_letters))
        raise UnsupportedPattern(f"{str(op).lower()} is not drawn (lookarounds and conditionals are not)")

    def _set(self, items: Any) -> str:
        choices = self._sets.get(id(items))
        if choices is None:
            choices = self._sets[id(items)] = self._choices(items)
            if not choices:
                raise UnsupportedPattern("a character set that no character matches")
        return choices[int(self.rng.random() * len(choices))]

    def _choices(self, items: Any) -> str:
        allowed: set[str] = set()
        negate = False
        for op, av in items:
            if op is sre_constants.NEGATE:
                negate = True
            elif op is sre_constants.LITERAL:
                allowed.add(chr(av))
            elif op is sre_constants.RANGE:
                lo, hi = av
                allowed.update(chr(c) for c in range(lo, min(hi, lo + 2000) + 1))
            elif op is sre_constants.CATEGORY:
                allowed.update(_CATEGORIES.get(av, ""))
        if negate:
            return "".join(c for c in _PRINTABLE if c not in allowed) or "".join(c for c in "äöüéñ" if c not in allowed)
        return "".join(sorted(c for c in allowed if c in _PRINTABLE)) or "".join(sorted(allowed))
