"""Vectorised column makers for dates, times and datetimes: windows, `after` siblings, fast ISO text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Days, Instants, as_list
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.domain.schema.schema import Field

# Default windows are fixed (not "now") so that seeded output does not drift from day to day.
DEFAULT_DATETIME_MIN = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
DEFAULT_DATETIME_MAX = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _epoch_seconds(value: dt.datetime) -> int:
    return int((value - _EPOCH).total_seconds())


def datetime_bounds(f: Field) -> tuple[int, int]:
    """The first and last epoch second a datetime field may take (a year-long default window)."""
    span = DEFAULT_DATETIME_MAX - DEFAULT_DATETIME_MIN
    lo = _epoch_seconds(f.min or (DEFAULT_DATETIME_MIN if f.max is None else f.max - span))
    hi = _epoch_seconds(f.max or (DEFAULT_DATETIME_MAX if f.min is None else f.min + span))
    return lo, hi


def datetime_seconds(f: Field, ctx: Ctx) -> np.ndarray:
    """Epoch seconds (int64) uniform in the field's window, or after its `after` sibling."""
    lo, hi = datetime_bounds(f)
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


def _to_epoch(values: Sequence[Any], f: Field) -> np.ndarray:
    """Epoch seconds (float, NaN for null) of a sibling date/datetime column, parsed vectorised."""
    if isinstance(values, Instants | Days):
        secs = (values.seconds.astype(np.float64) if isinstance(values, Instants)
                else (values.ordinals - 719163).astype(np.float64) * 86400)
        if values.null is not None:
            secs[values.null] = np.nan
        return secs
    values = as_list(values)
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


def datetime_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    secs = datetime_seconds(f, ctx)
    if f.format and "%" in f.format:
        return format_datetimes(secs, f.format)
    return Instants(secs, f.format)


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
    """Epoch seconds to 'YYYY-MM-DDTHH:MM:SSZ' strings, digits computed column-wise (twice numpy's speed)."""
    if not secs.size:
        return []
    chars = iso_chars(secs)
    if chars is None:
        text: list[str] = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s", timezone="UTC").tolist()
        return text
    out: list[str] = chars.view("<U20").ravel().tolist()
    return out


def iso_chars(secs: np.ndarray) -> np.ndarray | None:
    """An n x 20 array (uint32 code points) of 'YYYY-MM-DDTHH:MM:SSZ', or None outside years 1..9999.

    Days to a civil date by Howard Hinnant's algorithm.
    """
    if secs.size and (secs.min() < _MIN_FAST or secs.max() > _MAX_FAST):
        return None
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
    return out


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


def date_column(f: Field, ctx: Ctx) -> Sequence[Any]:
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
    return Days(days.astype(np.int64))


def time_column(f: Field, ctx: Ctx) -> list[Any]:
    lo = 0 if f.min is None else f.min.hour * 3600 + f.min.minute * 60 + f.min.second
    hi = 86399 if f.max is None else f.max.hour * 3600 + f.max.minute * 60 + f.max.second
    secs = ctx.rng.integers(lo, hi + 1, ctx.n)
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs.tolist()]
