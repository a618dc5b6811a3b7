"""TimeSeriesGenerator: one point per interval per series; numeric fields follow their model, seeded and chunked."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from agentic_synth.adapters.columns.vectors import as_list
from agentic_synth.adapters.engine.pacing import paced
from agentic_synth.adapters.engine.records import ColumnEngine
from agentic_synth.adapters.engine.series_values import FieldSeries, evolve_nullable, to_column
from agentic_synth.adapters.engine.timestamps import GridFormatter
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.generation.events import parse_bool
from agentic_synth.domain.generation.generators import OptionSpec
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest, parse_duration
from agentic_synth.domain.generation.shards import chunk_indices, clip, part_range
from agentic_synth.domain.generation.timeseries import (
    SeriesModel,
    TimeSeriesPlan,
    floor_to,
    from_epoch_us,
    parse_interval,
    parse_start,
    to_epoch_us,
)
from agentic_synth.domain.ports import Clock
from agentic_synth.domain.schema.schema import Field, Schema, thaw
from agentic_synth.domain.schema.validation import Violation, validate_record

DEFAULT_INTERVAL = "1s"  # the specification's generators.timeseries.defaultSampleRate
DEFAULT_DURATION = "1h"  # the specification's generators.timeseries.defaultDuration
_SETUP = 2**31  # chunk index of the random streams used once, before the first block


def parse_series(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit() \
            or int(value) < 1:
        raise UsageError(f"--series: expected a whole number >= 1, got {value!r}")
    return int(value)


def _modelled(f: Field) -> bool:
    """Numeric fields follow a time-series model unless they ask for independent draws."""
    if not f.is_numeric or f.series_key:
        return False
    has_model = bool(f.model)
    return has_model or (f.distribution is None and f.multiple_of is None and not f.unique)


class TimeSeriesGenerator:
    """Regular time series: trend, seasonality, white or AR(1) noise, random walk, anomalies and gaps."""

    type = "timeseries"
    description = "time series: one point per interval, trend/seasonality/noise models, N series"

    def __init__(self, *, clock: Clock, default_interval: str = DEFAULT_INTERVAL,
                 default_duration: str = DEFAULT_DURATION) -> None:
        self._clock = clock
        self.default_interval_ms = parse_interval(default_interval, "generators.timeseries.defaultSampleRate")
        self.default_duration = parse_duration(default_duration, "generators.timeseries.defaultDuration")
        self.options: tuple[OptionSpec, ...] = (
            OptionSpec("interval", parse_interval, self.default_interval_ms,
                       f"time between points: 500ms, 1s, 5m, 1h, 1d (default {default_interval})"),
            OptionSpec("start", parse_start, None, "first timestamp, ISO-8601 (default: now, floored to the interval)"),
            OptionSpec("duration", lambda v: parse_duration(v, "--duration"), None,
                       f"span to cover, e.g. 1h, 7d (default {default_duration} unless --count is given)"),
            OptionSpec("series", parse_series, None, "number of independent series, interleaved by time"),
            OptionSpec("realtime", parse_bool, None, "pace output to the wall clock, one point per interval"),
        )

    makes_parts = True  # a request's part (a shard) is made alone, with the records a whole run makes there

    # --- request -------------------------------------------------------------------------------

    def prepare(self, request: GenerationRequest) -> GenerationRequest:
        """Resolve start, point count and series; return the request with its output schema (idempotent)."""
        opts = dict(request.options)
        interval_ms = int(opts.get("interval") or self.default_interval_ms)
        start = opts.get("start")
        if start is None:
            start = from_epoch_us(floor_to(int(self._clock.now() * 1e6), interval_ms * 1000))
        fields = list(request.schema.fields)
        key = next((f for f in fields if f.series_key), None)
        series = opts.get("series")
        if key is not None and key.type == "enum":
            if series is None:
                series = len(key.values)
            elif series > len(key.values):
                raise UsageError(f"--series {series}: the series key '{key.name}' has only {len(key.values)} values")
        series = series or 1
        if key is None and series > 1:
            name = next(n for n in ("series", "series_id", "_series") if n not in request.schema.names)
            fields.insert(1, Field(name=name, type="integer", series_key=True, min=1, max=series))
        if not any(f.type == "datetime" for f in fields):
            fields.insert(0, Field(name="timestamp", type="datetime"))
        fields = self._with_model_fields(fields)
        plan = TimeSeriesPlan.resolve(interval_ms=interval_ms, start_us=to_epoch_us(start), count=request.count,
                                      duration=opts.get("duration"), default_duration=self.default_duration,
                                      series=series)
        opts.update(interval=interval_ms, start=start, series=series)
        schema = Schema(fields=tuple(fields), description=request.schema.description)
        return attrs.evolve(request, schema=schema, count=plan.points, options=opts)

    @staticmethod
    def _with_model_fields(fields: list[Field]) -> list[Field]:
        labels: dict[str, str] = {}
        out = []
        for f in fields:
            model = SeriesModel.from_field(f) if _modelled(f) else None
            if model is not None and model.missing > 0:
                f = evolve_nullable(f)
            if model is not None and model.anomaly_label:
                labels[model.anomaly_label] = f.name
            out.append(f)
        names = {f.name: f for f in out}
        for label, owner in labels.items():
            if label not in names:
                out.append(Field(name=label, type="boolean"))
            elif names[label].type != "boolean":
                raise SchemaError(f"'{label}' must be a boolean field to label anomalies", f"{owner}.anomalies.label")
        return out

    def total(self, request: GenerationRequest) -> int:
        """Records of the whole job: points times series."""
        req = self.prepare(request)
        return (req.count or 0) * int(req.option("series"))

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        return validate_record(record, schema)

    # --- generation ----------------------------------------------------------------------------

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        req = self.prepare(request)
        if req.option("realtime"):
            return paced(self._blocks(req, timed=True), self._clock)
        return (chunk for chunk, _ in self._blocks(req, timed=False))

    def _blocks(self, req: GenerationRequest, *, timed: bool) -> Iterator[tuple[RecordChunk, np.ndarray]]:
        schema, n_series, points = req.schema, int(req.option("series")), req.count or 0
        interval_ms = int(req.option("interval"))
        start_us = to_epoch_us(req.option("start"))
        engine = ColumnEngine(req.seed, req.locale, capacity=points * n_series)
        ts_field = next(f for f in schema.fields if f.type == "datetime")
        key = next((f for f in schema.fields if f.series_key), None)
        ids = self._series_ids(key, n_series, engine) if key is not None else []
        per_chunk = max(1, CHUNK_SIZE // n_series)
        modelled = {f.name: FieldSeries(f, SeriesModel.from_field(f), n_series,
                                        engine.rng(f"timeseries:{f.name}", _SETUP),
                                        functools.partial(engine.rng, f"timeseries-edge:{f.name}"), per_chunk)
                    for f in schema.fields if _modelled(f)}
        labels = {m.model.anomaly_label: name for name, m in modelled.items() if m.model.anomaly_label}
        taken = {ts_field.name, *modelled, *labels, *([key.name] if key is not None else [])}
        others = tuple(f for f in schema.fields if f.name not in taken)
        grid = GridFormatter(start_us, interval_ms, ts_field.format)
        span = part_range(req.part, points * n_series)
        for block in chunk_indices(span, per_chunk * n_series):
            first = block * per_chunk
            k = min(per_chunk, points - first)
            rows = k * n_series
            cols: dict[str, Sequence[Any]] = {}
            stamps = grid.strings(first, k)
            cols[ts_field.name] = stamps if n_series == 1 else [s for s in stamps for _ in range(n_series)]
            if key is not None:
                cols[key.name] = ids * k
            t_ms = grid.instants(first, k) // 1000
            for name, series in modelled.items():
                series.seek(block)
                values = series.block(t_ms, start_us // 1000, engine.rng(f"timeseries:{name}", block))
                cols[name] = to_column(values, series.field.type == "integer")
            for label, owner in labels.items():
                hits = modelled[owner].anomalies
                cols[label] = to_column(hits.astype(np.float64), False) if hits is not None else [False] * rows
                cols[label] = [bool(v) for v in cols[label]]
            if others:
                cols.update(engine.columns(others, rows, first * n_series, block,
                                           known={ts_field.name: (ts_field, cols[ts_field.name])}))
            chunk = clip(RecordChunk(columns={f.name: cols[f.name] for f in schema.fields}, length=rows),
                         first * n_series, span)
            if chunk is None:
                continue
            due = np.repeat((np.arange(first, first + k) * interval_ms) / 1000.0, n_series) if timed else np.empty(0)
            lead = max(span.start - first * n_series, 0)
            yield chunk, due[lead:lead + chunk.length] if timed else due

    @staticmethod
    def _series_ids(key: Field, n: int, engine: ColumnEngine) -> list[Any]:
        """One id per series: the enum's values, counting integers, or distinct values of the key's type."""
        if key.type == "enum":
            return [thaw(v) for v in key.values[:n]]
        if key.type == "integer":
            lo = int(np.ceil(key.min)) if key.min is not None else 1
            if key.max is not None and lo + n - 1 > key.max:
                raise SchemaError(f"series key: {n} series need ids {lo}..{lo + n - 1}, beyond max {key.max}", key.name)
            return list(range(lo, lo + n))
        unique = attrs.evolve(key, unique=True, nullable=False, null_rate=0.0)
        return as_list(engine.column(unique, n, 0, _SETUP, f"series-key:{key.name}", {}))
