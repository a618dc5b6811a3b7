"""Time-series parameters: the interval/start/duration plan, and each numeric field's model."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.generation.requests import parse_duration
from agentic_synth.domain.schema.schema import MODEL_KEYS, Field

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
START_FORM = "an ISO-8601 date-time such as 2025-01-01T00:00:00Z"


def parse_interval(value: Any, what: str = "--interval") -> int:
    """'500ms', '1s', '5m', '1h', '1d' -> whole milliseconds (at least 1)."""
    ms = round(parse_duration(value, what) * 1000)
    if ms < 1:
        raise UsageError(f"{what}: '{value}' is shorter than 1ms; use a number and a unit: 500ms, 1s, 5m, 1h, 1d")
    return int(ms)


def parse_start(value: Any, what: str = "--start") -> dt.datetime:
    """An ISO-8601 date-time (naive means UTC; 'Z' accepted) -> an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"{what}: '{value}' is not {START_FORM}") from None
    return parsed.replace(tzinfo=dt.timezone.utc) if parsed.tzinfo is None else parsed.astimezone(dt.timezone.utc)


def to_epoch_us(moment: dt.datetime) -> int:
    """Microseconds since the Unix epoch (exact integer arithmetic)."""
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_epoch_us(us: int) -> dt.datetime:
    """The UTC datetime of a count of microseconds since the Unix epoch."""
    return _EPOCH + dt.timedelta(microseconds=us)


def floor_to(now_us: int, interval_us: int) -> int:
    """`now` floored to a whole number of intervals since the epoch (the default start)."""
    return now_us - now_us % interval_us


@attrs.frozen
class TimeSeriesPlan:
    """Where the points fall: start (epoch µs), interval (ms), how many points per series, how many series."""

    start_us: int
    interval_ms: int
    points: int
    series: int = 1

    @classmethod
    def resolve(cls, *, interval_ms: int, start_us: int, count: int | None, duration: float | None,
                default_duration: float, series: int = 1) -> TimeSeriesPlan:
        """Points from --count or --duration (they must agree when both are given), else the default span."""
        span_ms = None if duration is None else duration * 1000
        by_span = None if span_ms is None else math.ceil(round(span_ms / interval_ms, 9))
        if count is not None and by_span is not None and count != by_span:
            raise UsageError(f"--count {count} and --duration disagree: the duration holds {by_span} points "
                             f"at this interval; give one of them")
        if count is None:
            count = by_span if by_span is not None else math.ceil(round(default_duration * 1000 / interval_ms, 9))
        return cls(start_us=start_us, interval_ms=interval_ms, points=count, series=series)


@attrs.frozen
class Seasonality:
    """A sinusoid: period in seconds, amplitude in the field's units, phase in radians (epoch-anchored)."""

    period: float
    amplitude: float
    phase: float = 0.0


@attrs.frozen
class SeriesModel:
    """base + trend·t + Σ seasonality + noise (white or AR(1)) + random walk, then anomalies and gaps."""

    base: float = 0.0
    trend_per_second: float = 0.0
    seasonality: tuple[Seasonality, ...] = ()
    noise_std: float = 0.0
    noise_ar: float = 0.0
    walk_std: float = 0.0
    anomaly_rate: float = 0.0
    anomaly_magnitude: float = 0.0
    anomaly_label: str | None = None
    missing: float = 0.0

    @classmethod
    def from_field(cls, f: Field) -> SeriesModel | None:
        """The field's model, or None when it has no model keys (the generator picks a smooth default)."""
        raw = {k: f.option(k) for k in MODEL_KEYS if f.option(k) is not None}
        if not raw:
            return None
        kw: dict[str, Any] = {}
        if "base" in raw:
            kw["base"] = _num(raw["base"], f"{f.name}.base")
        if "trend" in raw:
            kw["trend_per_second"] = _trend(raw["trend"], f"{f.name}.trend")
        if "seasonality" in raw:
            kw["seasonality"] = _seasonality(raw["seasonality"], f"{f.name}.seasonality")
        if "noise" in raw:
            kw["noise_std"], kw["noise_ar"] = _noise(raw["noise"], f"{f.name}.noise")
        if "walk" in raw:
            walk = raw["walk"]
            std = walk.get("std") if isinstance(walk, Mapping) else walk
            _keys(walk, ("std",), f"{f.name}.walk")
            kw["walk_std"] = _num(std, f"{f.name}.walk.std", low=0)
        if "anomalies" in raw:
            kw.update(_anomalies(raw["anomalies"], f"{f.name}.anomalies"))
        if "missing" in raw:
            kw["missing"] = _fraction(raw["missing"], f"{f.name}.missing")
        if "base" not in kw and (f.min is not None or f.max is not None):
            lo = f.min if f.min is not None else f.max
            hi = f.max if f.max is not None else f.min
            kw["base"] = (float(lo) + float(hi)) / 2
        return cls(**kw)


def _keys(raw: Any, allowed: tuple[str, ...], path: str) -> None:
    if isinstance(raw, Mapping):
        extra = sorted(set(raw) - set(allowed))
        if extra:
            raise SchemaError(f"unknown key '{extra[0]}' (it takes {', '.join(allowed)})", path)


def _num(value: Any, path: str, *, low: float | None = None, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(f"expected a finite number, got {value!r}", path)
    if positive and value <= 0:
        raise SchemaError(f"must be greater than 0, got {value}", path)
    if low is not None and value < low:
        raise SchemaError(f"must be >= {low}, got {value}", path)
    return float(value)


def _fraction(value: Any, path: str) -> float:
    number = _num(value, path)
    if not 0 <= number <= 1:
        raise SchemaError(f"must be between 0 and 1, got {number}", path)
    return number


def _seconds(value: Any, path: str) -> float:
    try:
        return float(parse_duration(value, "duration"))
    except UsageError:
        raise SchemaError(f"'{value}' is not a duration; use a number and a unit: 500ms, 1s, 5m, 1h, 1d, 1w",
                          path) from None


def _trend(raw: Any, path: str) -> float:
    if not isinstance(raw, Mapping) or "change" not in raw:
        raise SchemaError('expected {"change": <number>, "per": "<duration>"}, e.g. {"change": 1.5, "per": "1d"}',
                          path)
    _keys(raw, ("change", "per"), path)
    return _num(raw["change"], f"{path}.change") / _seconds(raw.get("per", "1d"), f"{path}.per")


def _seasonality(raw: Any, path: str) -> tuple[Seasonality, ...]:
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list) or not items:
        raise SchemaError('expected a list of {"period": "1d", "amplitude": 5, "phase": 0}', path)
    out = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if not isinstance(item, Mapping) or "period" not in item or "amplitude" not in item:
            raise SchemaError('expected {"period": "<duration>", "amplitude": <number>, "phase": <radians>}', where)
        _keys(item, ("period", "amplitude", "phase"), where)
        out.append(Seasonality(period=_seconds(item["period"], f"{where}.period"),
                               amplitude=_num(item["amplitude"], f"{where}.amplitude", low=0),
                               phase=_num(item.get("phase", 0), f"{where}.phase")))
    return tuple(out)


def _noise(raw: Any, path: str) -> tuple[float, float]:
    if not isinstance(raw, Mapping):
        return _num(raw, f"{path}.std", low=0), 0.0
    _keys(raw, ("std", "ar"), path)
    if "std" not in raw:
        raise SchemaError('expected {"std": <number>} or {"std": <number>, "ar": <-1..1>}', path)
    ar = _num(raw.get("ar", 0), f"{path}.ar")
    if not -1 < ar < 1:
        raise SchemaError(f"must be strictly between -1 and 1 (a stationary AR(1)), got {ar}", f"{path}.ar")
    return _num(raw["std"], f"{path}.std", low=0), ar


def _anomalies(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or "rate" not in raw or "magnitude" not in raw:
        raise SchemaError('expected {"rate": <0..1>, "magnitude": <number>, "label": "<boolean field>"}', path)
    _keys(raw, ("rate", "magnitude", "label"), path)
    label = raw.get("label")
    if label is not None and (not isinstance(label, str) or not label):
        raise SchemaError(f"must name a boolean field, got {label!r}", f"{path}.label")
    return {"anomaly_rate": _fraction(raw["rate"], f"{path}.rate"),
            "anomaly_magnitude": _num(raw["magnitude"], f"{path}.magnitude", positive=True),
            "anomaly_label": label}
