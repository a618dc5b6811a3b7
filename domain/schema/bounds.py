"""Numbers, bounds and distributions of a compact field spec: min/max, multiple_of, precision, distribution."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.fields import DISTRIBUTIONS, Distribution
from agentic_synth.domain.schema.types import NUMERIC_TYPES, TEMPORAL_TYPES

MAX_PRECISION = 308  # decimals: 10.0**308 is the largest power of ten a float64 holds


def did_you_mean(word: str, choices: Any) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or nothing."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def number(value: Any, what: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(f"{what} must be a finite number, got {value!r}", path)
    return value


def count(value: Any, what: str, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SchemaError(f"{what} must be a whole number >= 0, got {value!r}", path)
    return value



def parse_temporal(value: Any, kind: str, what: str, path: str) -> Any:
    """Parse an ISO-8601 bound for a date, time or datetime field (naive datetimes are UTC)."""
    if not isinstance(value, str):
        raise SchemaError(f"{what} must be an ISO-8601 string, got {value!r}", path)
    try:
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "time":
            return dt.time.fromisoformat(value)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SchemaError(f"{what} is not an ISO-8601 {kind}: {value!r}", path) from None
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed.astimezone(dt.timezone.utc)


def parse_bounds(kind: str, spec: dict[str, Any], kw: dict[str, Any], path: str) -> None:
    lo, hi = spec.pop("min", None), spec.pop("max", None)
    for key in ("exclusive_min", "exclusive_max"):
        value = spec.pop(key, None)
        if isinstance(value, bool):
            kw[key] = value
        elif value is not None:  # JSON Schema draft 6+: exclusiveMinimum is the bound itself
            if key == "exclusive_min":
                lo = value
            else:
                hi = value
            kw[key] = True
    if kind in TEMPORAL_TYPES:
        lo = None if lo is None else parse_temporal(lo, kind, "min", path)
        hi = None if hi is None else parse_temporal(hi, kind, "max", path)
    elif lo is not None or hi is not None:
        if kind not in NUMERIC_TYPES:
            raise SchemaError(f"min/max apply to numbers, dates and times, not to type '{kind}'", path)
        lo = None if lo is None else number(lo, "min", path)
        hi = None if hi is None else number(hi, "max", path)
    if lo is not None and hi is not None and lo > hi:
        shown = (lo.isoformat(), hi.isoformat()) if kind in TEMPORAL_TYPES else (lo, hi)
        raise SchemaError(f"min ({shown[0]}) is greater than max ({shown[1]})", path)
    if kind == "integer" and lo is not None and hi is not None and math.ceil(lo) > math.floor(hi):
        raise SchemaError(f"no integer lies between min ({lo}) and max ({hi})", path)
    kw["min"], kw["max"] = lo, hi
    if "multiple_of" in spec:
        step = number(spec.pop("multiple_of"), "multiple_of", path)
        if step <= 0:
            raise SchemaError(f"multiple_of must be greater than 0, got {step}", path)
        kw["multiple_of"] = step
        _check_multiple_fits(kw, step, kind == "integer", path)
    if "precision" in spec:
        kw["precision"] = count(spec.pop("precision"), "precision", path)
        check_precision_digits(kw["precision"], path)
        _check_precision_fits(kw, path)
        grid = kw.get("multiple_of")
        if grid is not None and round(grid, kw["precision"]) != grid:
            raise SchemaError(f"multiple_of ({grid}) needs more decimals than precision ({kw['precision']})", path)
    if "distribution" in spec:
        kw["distribution"] = parse_distribution(kind, spec.pop("distribution"), path + ".distribution")


def multiples_between(lo: float, hi: float, step: float, *, exclusive_min: bool = False,
                      exclusive_max: bool = False) -> tuple[int, int]:
    """The range k_lo..k_hi of k with k*step inside the bounds (empty when k_lo > k_hi)."""
    k_lo, k_hi = math.ceil(lo / step), math.floor(hi / step)
    if exclusive_min and k_lo * step <= lo:
        k_lo += 1
    if exclusive_max and k_hi * step >= hi:
        k_hi -= 1
    return k_lo, k_hi


def _check_multiple_fits(kw: dict[str, Any], step: float, whole: bool, path: str) -> None:
    """At least one multiple of `step` must lie inside the bounds (unset bounds span 1000, as documented)."""
    lo, hi = kw["min"], kw["max"]
    if lo is not None and not isinstance(lo, int | float):
        return
    lo = lo if lo is not None else (hi - 1000 if hi is not None else 0)
    hi = hi if hi is not None else lo + 1000
    excl_min, excl_max = bool(kw.get("exclusive_min")), bool(kw.get("exclusive_max"))
    try:
        if whole:  # the engine draws from the whole numbers inside the bounds
            ilo, ihi = math.ceil(lo), math.floor(hi)
            ilo, ihi = ilo + (excl_min and ilo == lo), ihi - (excl_max and ihi == hi)
            k_lo, k_hi = multiples_between(ilo, ihi, step)
        else:
            k_lo, k_hi = multiples_between(lo, hi, step, exclusive_min=excl_min, exclusive_max=excl_max)
    except (OverflowError, ValueError):  # min/step or max/step beyond a float (domain/schema/limits.py says more)
        raise SchemaError(f"multiple_of ({step:g}) is too small for the range {lo:g} to {hi:g}", path) from None
    if k_lo > k_hi:
        raise SchemaError(f"no multiple of {step} lies between min ({lo}) and max ({hi})", path)


def check_precision_digits(digits: int, path: str) -> None:
    """At most MAX_PRECISION decimals: beyond them 10**precision is not a float64."""
    if digits > MAX_PRECISION:
        raise SchemaError(f"precision ({digits}) is more decimals than a float64 can hold (at most {MAX_PRECISION})",
                          path)


def _check_precision_fits(kw: dict[str, Any], path: str) -> None:
    """With `precision` decimals, at least one value must lie between min and max."""
    lo, hi, digits = kw["min"], kw["max"], kw["precision"]
    if lo is None or hi is None or not isinstance(lo, int | float):
        return
    scale = 10.0 ** digits
    if not math.isfinite(max(abs(lo), abs(hi)) * scale):
        return  # too fine for float64 at this magnitude: domain/schema/limits.py refuses it with the reason
    if math.ceil(round(lo * scale, 6)) > math.floor(round(hi * scale, 6)):
        raise SchemaError(f"no number with {digits} decimals lies between min ({lo}) and max ({hi})", path)


def parse_distribution(kind: str, raw: Any, path: str) -> Distribution:
    if kind not in NUMERIC_TYPES:
        raise SchemaError(f"a distribution applies to numeric fields, not to type '{kind}'", path)
    if isinstance(raw, str):
        raw = {"kind": raw}
    if not isinstance(raw, Mapping):
        raise SchemaError(f"expected a name or an object, got {raw!r}", path)
    raw = dict(raw)
    name = raw.pop("kind", raw.pop("type", "uniform"))
    if name not in DISTRIBUTIONS:
        hint = did_you_mean(str(name), DISTRIBUTIONS)
        raise SchemaError(f"'{name}' is not one of {', '.join(DISTRIBUTIONS)}{hint}", path)
    params: dict[str, float] = {}
    allowed = {"uniform": (), "normal": ("mean", "std"), "lognormal": ("mean", "sigma"),
               "exponential": ("scale",), "poisson": ("lam",)}[name]
    if "lambda" in raw:
        raw["lam"] = raw.pop("lambda")
    for key, value in raw.items():
        if key not in allowed:
            raise SchemaError(f"'{key}' is not a parameter of {name} (it takes {', '.join(allowed) or 'none'})", path)
        params[key] = number(value, key, path)
    for key in ("std", "sigma", "scale", "lam"):
        if key in params and params[key] <= 0:
            raise SchemaError(f"{key} must be greater than 0, got {params[key]}", path)
    if name == "poisson" and kind != "integer":
        raise SchemaError("poisson applies to integer fields", path)
    return Distribution(kind=name, **params)

