"""How messages write counts: `1 record`, `2 records`, `1,000 events`, `1 miss`, `3 misses`."""

from __future__ import annotations

_KIND_NOUNS = {"structured": ("structured record", "structured records"),
               "timeseries": ("time-series record", "time-series records"),
               "events": ("event", "events")}


def plural(noun: str) -> str:
    """`record` -> `records`, `miss` -> `misses`, `entry` -> `entries`."""
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


def counted(n: int, noun: str, many: str | None = None) -> str:
    """`n` with thousands separators and the noun in the number it takes (`many`: an irregular plural)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {many or plural(noun)}"


def records_of(n: int, kind: str) -> str:
    """`1,000 structured records`, `1 event`, `5 dice records`: what a run of `kind` made."""
    one, many = _KIND_NOUNS.get(kind, (f"{kind} record", f"{kind} records"))
    return counted(n, one, many)
