"""Value spaces that can be counted and indexed: the number p in [0, space) is itself the value's position.

Integers, multiples, dates, datetimes (to the second), times, numbers on their decimal grid, coordinates,
hex colours, IPv4 addresses and vocabulary entries (first names, cities, words ...) have an exact size;
value_at(p) is the p-th value, so distinct p give distinct values.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Days, Instants, Numbers, Picks, vocabulary
from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.columns import integer_bounds, numeric_bounds
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.temporal_columns import date_bounds, datetime_bounds
from agentic_synth.domain.schema.bounds import multiples_between
from agentic_synth.domain.schema.schema import Field, thaw

_CELLS = 2**40  # a number without a precision: distinct cells of its range, one value inside each
_FIRST_OCTETS = tuple(sorted({o % 223 + 1 + (o % 223 + 1 in (10, 100, 127, 169, 172, 192, 198))
                              for o in range(1, 255)}))  # what ipv4_column draws: public unicast
_VOCAB = {"first_name", "last_name", "city", "country", "country_code", "currency", "job", "word"}


def index_space(f: Field, locale: str) -> int | None:
    """How many values a field can take when they can be listed in order; None for other fields."""
    if f.pattern is not None or f.after:
        return None
    t = f.type
    if t == "boolean":
        return 2
    if t == "const":
        return 1
    if t == "enum":
        return len(f.values)
    if t == "integer":
        lo, hi = integer_bounds(f)
        if f.multiple_of:
            k_lo, k_hi = multiples_between(lo, hi, f.multiple_of)
            return max(0, k_hi - k_lo + 1)
        return hi - lo + 1
    if t == "date":
        lo, hi = date_bounds(f)
        return hi - lo + 1
    if t == "datetime":
        lo, hi = datetime_bounds(f)
        return hi - lo + 1
    if t == "time":
        lo, hi = _time_bounds(f)
        return hi - lo + 1
    if t in ("number", "amount", "latitude", "longitude"):
        first, last, _ = _grid(f)
        return last - first + 1
    if t == "color":
        return len(vocab.table("color_names.tsv")) if f.format == "name" else 1 << 24
    if t == "ipv4":
        return len(_FIRST_OCTETS) * 254 ** 3
    if t in _VOCAB:
        return len(_entries(f, locale))
    return None


def value_at(f: Field, locale: str, p: np.ndarray, ctx: Ctx) -> Sequence[Any]:
    """The values at positions p of the field's space (see index_space)."""
    t = f.type
    if t == "integer":
        lo, hi = integer_bounds(f)
        if f.multiple_of:
            step = f.multiple_of
            k = p.astype(np.int64) + multiples_between(lo, hi, step)[0]
            return Numbers((k * step).astype(np.int64 if float(step).is_integer() else np.float64))
        return Numbers(p.astype(np.int64) + lo)
    if t == "date":
        return Days(p.astype(np.int64) + date_bounds(f)[0])
    if t == "datetime":
        return Instants(p.astype(np.int64) + datetime_bounds(f)[0], f.format)
    if t == "time":
        secs = (p.astype(np.int64) + _time_bounds(f)[0]).tolist()
        return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs]
    if t in ("number", "amount", "latitude", "longitude"):
        start, _, scale = _grid(f)
        grid = p.astype(np.float64) + start
        if f.multiple_of:
            return np.round(grid * f.multiple_of, max(0, -int(np.floor(np.log10(f.multiple_of)))) + 2).tolist()
        if scale:
            return np.round(grid / scale, round(math.log10(scale))).tolist()
        low, high = numeric_bounds(f)
        inside = 0.25 + 0.5 * ctx.rng.random(p.size)  # strictly inside the cell: never a bound, never a neighbour
        return (low + (grid + inside) * ((high - low) / _cells(low, high))).tolist()
    if t == "color" and f.format != "name":
        return [f"#{v:06x}" for v in p.tolist()]
    if t == "ipv4":
        rest, d = np.divmod(p.astype(np.int64), 254)
        rest, c = np.divmod(rest, 254)
        a, b = np.divmod(rest, 254)
        octets = np.asarray(_FIRST_OCTETS)[a]
        return [f"{w}.{x + 1}.{y + 1}.{z + 1}" for w, x, y, z in zip(octets.tolist(), b.tolist(), c.tolist(),
                                                                       d.tolist(), strict=True)]
    if t == "boolean":
        return Numbers(p.astype(bool))
    if t == "enum":
        return Picks(p.astype(np.intp), vocabulary(f.values, thaw))
    if t == "const":
        return [thaw(f.const)] * p.size
    entries = np.array(vocab.table("color_names.tsv"), dtype=object)[:, 0] if t == "color" else _entries(f, locale)
    out: list[Any] = entries[p.astype(np.int64)].tolist()
    return out


def _time_bounds(f: Field) -> tuple[int, int]:
    lo = 0 if f.min is None else f.min.hour * 3600 + f.min.minute * 60 + f.min.second
    hi = 86399 if f.max is None else f.max.hour * 3600 + f.max.minute * 60 + f.max.second
    return lo, hi


def _grid(f: Field) -> tuple[int, int, int]:
    """First and last grid point, as integers, and the grid's scale (10**precision; 0 for multiples and cells)."""
    lo, hi = _number_bounds(f)
    precision = f.precision
    if precision is None and f.type == "amount":
        precision = 2
    if precision is None and f.type in ("latitude", "longitude"):
        precision = 6
    if f.multiple_of:
        k_lo, k_hi = multiples_between(lo, hi, f.multiple_of, exclusive_min=f.exclusive_min,
                                       exclusive_max=f.exclusive_max)
        return k_lo, k_hi, 0
    if precision is None:
        return 0, _cells(lo, hi) - 1, 0
    scale = 10 ** precision
    first, last = math.ceil(round(lo * scale, 6)), math.floor(round(hi * scale, 6))
    if f.exclusive_min and first / scale <= lo:
        first += 1
    if f.exclusive_max and last / scale >= hi:
        last -= 1
    return first, last, scale


def _number_bounds(f: Field) -> tuple[float, float]:
    if f.type == "amount" and f.min is None and f.max is None:
        return 0.01, 100000.0
    if f.type == "latitude":
        return (f.min if f.min is not None else -90.0), (f.max if f.max is not None else 90.0)
    if f.type == "longitude":
        return (f.min if f.min is not None else -180.0), (f.max if f.max is not None else 180.0)
    return numeric_bounds(f)


def _cells(lo: float, hi: float) -> int:
    """As many equal cells as keep neighbours apart by 16 float steps, at most 2**40."""
    ulp = math.ulp(max(abs(lo), abs(hi), 1e-300))
    return max(1, min(_CELLS, int((hi - lo) / (16 * ulp))))


def _entries(f: Field, locale: str) -> np.ndarray:
    return _distinct(f.type, locale, f.min_length, f.max_length)


@functools.lru_cache(maxsize=64)
def _distinct(kind: str, locale: str, lo: int | None, hi: int | None) -> np.ndarray:
    """The distinct entries of a vocabulary, in file order, that fit the length bounds."""
    if kind == "first_name":
        values = vocab.first_names(locale).values.tolist()
    elif kind == "last_name":
        values = vocab.last_names(locale).values.tolist()
    elif kind == "city":
        values = vocab.cities(locale).names.tolist()
    elif kind in ("country", "country_code"):
        values = [r[0 if kind == "country" else 1] for r in vocab.table("countries.tsv")]
    elif kind == "currency":
        values = [r[0] for r in vocab.table("currencies.tsv")]
    else:
        values = vocab.words("jobs.txt" if kind == "job" else "words.txt").tolist()
    fit = [v for v in dict.fromkeys(values) if (lo is None or len(v) >= lo) and (hi is None or len(v) <= hi)]
    return np.array(fit, dtype=object)
