"""Vectorised column makers for the primitive types: numbers, booleans, enums, uuids, patterns; the maker table."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import rstr

from agentic_synth.adapters.columns.text import hex_digits
from agentic_synth.adapters.columns.vectors import Numbers, Picks, Texts, vocabulary
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.temporal_columns import date_column, datetime_column, time_column
from agentic_synth.domain.schema.bounds import multiples_between
from agentic_synth.domain.schema.patterns import quiet_patterns
from agentic_synth.domain.schema.schema import Field, thaw

DEFAULT_NUMBER_RANGE = (0.0, 1000.0)


def numeric_bounds(f: Field) -> tuple[float, float]:
    lo = f.min if f.min is not None else (f.max - 1000 if f.max is not None else DEFAULT_NUMBER_RANGE[0])
    hi = f.max if f.max is not None else lo + DEFAULT_NUMBER_RANGE[1]
    return float(lo), float(hi)


def integer_bounds(f: Field) -> tuple[int, int]:
    lo, hi = numeric_bounds(f)
    ilo, ihi = int(np.ceil(lo)), int(np.floor(hi))
    if f.exclusive_min and ilo == lo:
        ilo += 1
    if f.exclusive_max and ihi == hi:
        ihi -= 1
    return ilo, ihi


def _draw(f: Field, ctx: Ctx, lo: float, hi: float) -> np.ndarray:
    """Floats between lo and hi from the field's distribution (clipped to the bounds)."""
    d, rng, n = f.distribution, ctx.rng, ctx.n
    kind = d.kind if d else "uniform"
    if kind == "uniform":
        return rng.uniform(lo, hi, n)
    if kind == "normal":
        assert d is not None
        mean = d.mean if d.mean is not None else (lo + hi) / 2
        std = d.std if d.std is not None else (hi - lo) / 6
        x = rng.normal(mean, std, n)
    elif kind == "lognormal":
        assert d is not None
        x = rng.lognormal(d.mean if d.mean is not None else 0.0, d.sigma if d.sigma is not None else 1.0, n)
        if d.mean is None and f.min is None:
            x = lo + x * (hi - lo) / 10
    elif kind == "exponential":
        assert d is not None
        x = lo + rng.exponential(d.scale if d.scale is not None else (hi - lo) / 5, n)
    else:  # poisson
        assert d is not None and d.lam is not None
        x = rng.poisson(d.lam, n).astype(np.float64)
    return np.clip(x, lo, hi)


def round_into(x: np.ndarray, precision: int, lo: float, hi: float, *, exclusive_min: bool = False,
               exclusive_max: bool = False) -> np.ndarray:
    """Round to `precision` decimals and keep the result inside [lo, hi] on that decimal grid."""
    scale = 10.0 ** precision
    first, last = int(np.ceil(round(lo * scale, 6))), int(np.floor(round(hi * scale, 6)))
    if exclusive_min and first / scale <= lo:
        first += 1
    if exclusive_max and last / scale >= hi:
        last -= 1
    if first > last:  # no grid point in range (the schema refuses this for a declared precision)
        return np.clip(x, lo, hi)
    return np.clip(np.round(x, precision), first / scale, last / scale)


def integer_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    lo, hi = integer_bounds(f)
    if f.multiple_of:
        step = f.multiple_of
        k_lo, k_hi = multiples_between(lo, hi, step)
        ks = ctx.rng.integers(k_lo, k_hi + 1, ctx.n)
        return Numbers((ks * step).astype(np.int64 if float(step).is_integer() else np.float64))
    if f.distribution is None or f.distribution.kind == "uniform":
        return Numbers(ctx.rng.integers(lo, hi + 1, ctx.n, dtype=np.int64))
    x = np.rint(_draw(f, ctx, lo, hi))
    return Numbers(np.clip(x, lo, hi).astype(np.int64))


def number_column(f: Field, ctx: Ctx, default_precision: int | None = None) -> Sequence[Any]:
    lo, hi = numeric_bounds(f)
    if f.multiple_of:
        k_lo, k_hi = multiples_between(lo, hi, f.multiple_of, exclusive_min=f.exclusive_min,
                                       exclusive_max=f.exclusive_max)
        x = ctx.rng.integers(k_lo, k_hi + 1, ctx.n) * f.multiple_of
        digits = max(0, -int(np.floor(np.log10(f.multiple_of)))) + 2
        with np.errstate(over="ignore"):  # rounding scales by 10**digits: near the float64 limit it overflows,
            rounded = np.round(x, digits)  # and a value that large holds no decimals to round away
        return Numbers(np.where(np.isfinite(rounded), rounded, x).astype(np.float64))
    x = _draw(f, ctx, lo, hi)
    precision = f.precision if f.precision is not None else default_precision
    if precision is not None:
        return Numbers(round_into(x, precision, lo, hi, exclusive_min=f.exclusive_min,
                                  exclusive_max=f.exclusive_max))
    if f.exclusive_min:
        x = np.where(x <= lo, np.nextafter(lo, hi), x)
    if f.exclusive_max:
        x = np.where(x >= hi, np.nextafter(hi, lo), x)
    return Numbers(x.astype(np.float64))


def boolean_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    p = float(f.option("probability", 0.5))
    return Numbers(ctx.rng.random(ctx.n) < p)


def enum_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    vocab = vocabulary(f.values, thaw)
    idx = ctx.rng.choice(len(vocab), size=ctx.n, p=None if f.weights is None else np.array(f.weights))
    return Picks(idx, vocab)


def const_column(f: Field, ctx: Ctx) -> list[Any]:
    return [thaw(f.const)] * ctx.n


def uuid_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    raw = ctx.rng.integers(0, 256, size=(ctx.n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    return Texts.fixed(np.insert(hex_digits(raw), [8, 12, 16, 20], ord("-"), axis=1))


def pattern_column(f: Field, ctx: Ctx) -> list[Any]:
    assert f.pattern is not None
    maker = rstr.Rstr(random.Random(int(ctx.rng.integers(0, 2**63))))
    with quiet_patterns():  # rstr parses the pattern for every value
        return [maker.xeger(f.pattern) for _ in range(ctx.n)]


PRIMITIVE_MAKERS: dict[str, Callable[[Field, Ctx], Sequence[Any]]] = {
    "integer": integer_column,
    "number": number_column,
    "boolean": boolean_column,
    "enum": enum_column,
    "const": const_column,
    "datetime": datetime_column,
    "date": date_column,
    "time": time_column,
    "uuid": uuid_column,
}
