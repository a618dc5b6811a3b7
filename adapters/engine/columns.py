"""Vectorised column makers for the primitive types: numbers, booleans, dates and times, ids, enums."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import rstr

from agentic_synth.domain.schema import Field, thaw

# Default windows are fixed (not "now") so that seeded output does not drift from day to day.
DEFAULT_DATETIME_MIN = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
DEFAULT_DATETIME_MAX = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
DEFAULT_NUMBER_RANGE = (0.0, 1000.0)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@attrs.define
class Ctx:
    """What a column maker needs: the field's rng, the chunk size and offset, the locale, the siblings."""

    rng: np.random.Generator
    n: int
    offset: int
    locale: str
    siblings: dict[str, tuple[Field, list[Any]]]
    seed: int

    def sibling(self, *types: str) -> list[Any] | None:
        for field, values in self.siblings.values():
            if field.type in types:
                return values
        return None


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


def integer_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = integer_bounds(f)
    if f.multiple_of:
        step = f.multiple_of
        k_lo, k_hi = int(np.ceil(lo / step)), int(np.floor(hi / step))
        ks = ctx.rng.integers(k_lo, k_hi + 1, ctx.n)
        return (ks * step).astype(np.int64 if float(step).is_integer() else np.float64).tolist()
    if f.distribution is None or f.distribution.kind == "uniform":
        return ctx.rng.integers(lo, hi + 1, ctx.n, dtype=np.int64).tolist()
    x = np.rint(_draw(f, ctx, lo, hi))
    return np.clip(x, lo, hi).astype(np.int64).tolist()


def number_column(f: Field, ctx: Ctx, default_precision: int | None = None) -> list[Any]:
    lo, hi = numeric_bounds(f)
    if f.multiple_of:
        k_lo, k_hi = int(np.ceil(lo / f.multiple_of)), int(np.floor(hi / f.multiple_of))
        x = ctx.rng.integers(k_lo, k_hi + 1, ctx.n) * f.multiple_of
        digits = max(0, -int(np.floor(np.log10(f.multiple_of)))) + 2
        return np.round(x, digits).tolist()
    x = _draw(f, ctx, lo, hi)
    precision = f.precision if f.precision is not None else default_precision
    if precision is not None:
        return round_into(x, precision, lo, hi, exclusive_min=f.exclusive_min,
                          exclusive_max=f.exclusive_max).tolist()
    if f.exclusive_min:
        x = np.where(x <= lo, np.nextafter(lo, hi), x)
    if f.exclusive_max:
        x = np.where(x >= hi, np.nextafter(hi, lo), x)
    return x.tolist()


def boolean_column(f: Field, ctx: Ctx) -> list[Any]:
    p = float(f.option("probability", 0.5))
    return (ctx.rng.random(ctx.n) < p).tolist()


def enum_column(f: Field, ctx: Ctx) -> list[Any]:
    values = np.empty(len(f.values), dtype=object)
    values[:] = [thaw(v) for v in f.values]
    idx = ctx.rng.choice(len(values), size=ctx.n, p=None if f.weights is None else np.array(f.weights))
    return values[idx].tolist()


def const_column(f: Field, ctx: Ctx) -> list[Any]:
    return [thaw(f.const)] * ctx.n


def _epoch_seconds(value: dt.datetime) -> int:
    return int((value - _EPOCH).total_seconds())


def datetime_seconds(f: Field, ctx: Ctx) -> np.ndarray:
    """Epoch seconds (int64) uniform in the field's window, or after its `after` sibling."""
    span = DEFAULT_DATETIME_MAX - DEFAULT_DATETIME_MIN
    lo = _epoch_seconds(f.min or (DEFAULT_DATETIME_MIN if f.max is None else f.max - span))
    hi = _epoch_seconds(f.max or (DEFAULT_DATETIME_MAX if f.min is None else f.min + span))
    if f.after and f.after in ctx.siblings:
        base_field, base_values = ctx.siblings[f.after]
        base = _to_epoch(base_values, base_field)
        known = ~np.isnan(base)
        # later than the base and not before min: a gap of 1s up to max (or 30 days when no max)
        floor = np.floor(np.where(known, base, lo))
        if f.min is not None:
            floor = np.maximum(floor, lo - 1)
        gaps = np.maximum(hi - floor, 1) if f.max is not None else np.full(ctx.n, 30 * 86400)
        gap = 1 + np.floor(ctx.rng.random(ctx.n) * gaps)
        out = np.where(known, floor + gap, ctx.rng.integers(lo, hi + 1, ctx.n))
        return out.astype(np.int64)
    return ctx.rng.integers(lo, hi + 1, ctx.n, dtype=np.int64)


def _to_epoch(values: list[Any], f: Field) -> np.ndarray:
    """Epoch seconds (float, NaN for null) of a sibling date/datetime column, parsed vectorised."""
    if f.type == "date" or (f.type == "datetime" and f.format in (None, "iso")):
        unit = "D" if f.type == "date" else "s"
        text = ["NaT" if v is None else (v[:-1] if v.endswith("Z") else v) for v in values]
        try:
            parsed = np.array(text, dtype=f"datetime64[{unit}]")
        except ValueError:
            return _to_epoch_slow(values, f)
        out = parsed.astype(np.int64).astype(np.float64) * (86400 if unit == "D" else 1)
        out[np.isnat(parsed)] = np.nan
        return out
    return _to_epoch_slow(values, f)


def _to_epoch_slow(values: list[Any], f: Field) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, int | float):
            out[i] = v / 1000 if f.format == "epoch_ms" else v
        elif f.type == "date":
            out[i] = (dt.date.fromisoformat(v) - dt.date(1970, 1, 1)).days * 86400
        elif f.format and "%" in f.format:
            out[i] = dt.datetime.strptime(v, f.format).replace(tzinfo=dt.timezone.utc).timestamp()
        else:
            out[i] = dt.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
    return out


def datetime_column(f: Field, ctx: Ctx) -> list[Any]:
    secs = datetime_seconds(f, ctx)
    return format_datetimes(secs, f.format)


def format_datetimes(secs: np.ndarray, fmt: str | None) -> list[Any]:
    """Epoch seconds to the field's format: ISO-8601 UTC with Z (default), epoch, epoch_ms or strftime."""
    if fmt == "epoch":
        return secs.tolist()
    if fmt == "epoch_ms":
        return (secs * 1000).tolist()
    if fmt and "%" in fmt:
        return [dt.datetime.fromtimestamp(s, dt.timezone.utc).strftime(fmt) for s in secs.tolist()]
    return iso_utc(secs)


_ISO_TEMPLATE = np.frombuffer("0000-00-00T00:00:00Z".encode("utf-32-le"), dtype=np.uint32)
_MIN_FAST, _MAX_FAST = -62135596800, 253402300799  # 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z


def iso_utc(secs: np.ndarray) -> list[str]:
    """Epoch seconds to 'YYYY-MM-DDTHH:MM:SSZ' strings, digits computed column-wise (twice numpy's speed).

    Days to a civil date by Howard Hinnant's algorithm; years outside 1..9999 go through numpy.
    """
    if not secs.size:
        return []
    if secs.min() < _MIN_FAST or secs.max() > _MAX_FAST:
        text: list[str] = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s", timezone="UTC").tolist()
        return text
    days, sod = np.divmod(secs.astype(np.int64), 86400)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    parts = (yoe + era * 400 + (mp >= 10), np.where(mp < 10, mp + 3, mp - 9), doy - (153 * mp + 2) // 5 + 1,
             sod // 3600, sod // 60 % 60, sod % 60)
    out = np.empty((len(secs), 20), dtype=np.uint32)
    out[:] = _ISO_TEMPLATE
    for col, value, width in zip((0, 5, 8, 11, 14, 17), parts, (4, 2, 2, 2, 2, 2), strict=True):
        for k in range(width - 1, -1, -1):
            out[:, col + k] += (value % 10).astype(np.uint32)
            value = value // 10
    text = out.view("<U20").ravel().tolist()
    return text


def date_bounds(f: Field) -> tuple[int, int]:
    """The first and last day (proleptic ordinals) a date field may take."""
    lo = (f.min or DEFAULT_DATETIME_MIN.date()).toordinal()
    hi = (f.max or (f.min + dt.timedelta(days=365) if f.min else DEFAULT_DATETIME_MAX.date())).toordinal()
    if f.max and not f.min:
        lo = hi - 365
    return lo, hi


def format_dates(days: np.ndarray) -> list[Any]:
    """Proleptic ordinals to ISO dates."""
    epoch_days = (days.astype(np.int64) - 719163).astype("datetime64[D]")
    return np.datetime_as_string(epoch_days, unit="D").tolist()


def date_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = date_bounds(f)
    if f.after and f.after in ctx.siblings:
        base = _to_epoch(ctx.siblings[f.after][1], ctx.siblings[f.after][0])
        known = ~np.isnan(base)
        floor = np.where(known, base // 86400 + 719163, lo)
        if f.min is not None:
            floor = np.maximum(floor, lo - 1)
        span = np.maximum(hi - floor, 1) if f.max is not None else np.full(ctx.n, 30)
        days = np.where(known, floor + 1 + np.floor(ctx.rng.random(ctx.n) * span),
                        ctx.rng.integers(lo, hi + 1, ctx.n))
    else:
        days = ctx.rng.integers(lo, hi + 1, ctx.n)
    return format_dates(days)


def time_column(f: Field, ctx: Ctx) -> list[Any]:
    lo = 0 if f.min is None else f.min.hour * 3600 + f.min.minute * 60 + f.min.second
    hi = 86399 if f.max is None else f.max.hour * 3600 + f.max.minute * 60 + f.max.second
    secs = ctx.rng.integers(lo, hi + 1, ctx.n)
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs.tolist()]


def uuid_column(f: Field, ctx: Ctx) -> list[Any]:
    raw = ctx.rng.integers(0, 256, size=(ctx.n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.tobytes().hex()
    return [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
            for i in range(0, len(h), 32)]


def pattern_column(f: Field, ctx: Ctx) -> list[Any]:
    assert f.pattern is not None
    maker = rstr.Rstr(random.Random(int(ctx.rng.integers(0, 2**63))))
    return [maker.xeger(f.pattern) for _ in range(ctx.n)]


PRIMITIVE_MAKERS: dict[str, Callable[[Field, Ctx], list[Any]]] = {
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
