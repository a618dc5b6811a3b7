"""Quoted output against printed output: `...` stands for any text (a line of its own: any lines), timings vary."""

from __future__ import annotations

import re
from functools import cache, lru_cache

ANY_LINES = "..."
_SECONDS = re.compile(r"\d+\.\d+s\b")  # `in 0.04s`, `(0.11s)`: how long a run took differs every time


@lru_cache(maxsize=4096)
def _pattern(expected: str) -> re.Pattern[str]:
    parts = []
    for piece in expected.rstrip().split("..."):
        chunks = _SECONDS.split(piece)
        parts.append(r"\d+\.\d+s".join(re.escape(chunk) for chunk in chunks))
    return re.compile(".*?".join(parts) + r"\Z")


def line_matches(expected: str, actual: str) -> bool:
    return _pattern(expected).match(actual.rstrip()) is not None


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Every quoted line matches a printed one, in order and nothing left over, `...` lines taking any lines."""
    expected = _trim(expected)
    actual = _trim(actual)

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == ANY_LINES:
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and line_matches(expected[i], actual[j]) and match(i + 1, j + 1)

    return match(0, 0)


def _trim(lines: list[str]) -> list[str]:
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def explain(expected: list[str], actual: list[str]) -> str:
    """The quoted and the printed lines side by side, for a failure message."""
    shown = "\n".join(f"    {line}" for line in _trim(actual)) or "    (nothing)"
    quoted = "\n".join(f"    {line}" for line in _trim(expected))
    return f"  the page quotes:\n{quoted}\n  the program printed:\n{shown}"
