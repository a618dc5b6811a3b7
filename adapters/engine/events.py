"""EventGenerator: Poisson arrivals with the schema's fields, entity populations and per-type payloads."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from agentic_synth.adapters.engine.arrivals import ArrivalEdges, ArrivalProcess
from agentic_synth.adapters.engine.pacing import paced
from agentic_synth.adapters.engine.records import ColumnEngine, check_uniques
from agentic_synth.adapters.engine.timestamps import format_instants
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.events import (
    PAYLOAD_MARK,
    Bursts,
    Population,
    expand_event_schema,
    parse_bool,
    parse_diurnal,
    payload_fields,
)
from agentic_synth.domain.generation.generators import OptionSpec
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest, parse_duration, parse_rate
from agentic_synth.domain.generation.shards import chunk_indices, clip, part_range
from agentic_synth.domain.generation.timeseries import floor_to, from_epoch_us, parse_start, to_epoch_us
from agentic_synth.domain.ports import Clock
from agentic_synth.domain.schema.schema import Field, Schema
from agentic_synth.domain.schema.validation import Violation, validate_record

DEFAULT_RATE = "100/sec"  # the specification's generators.events.defaultRate
DEFAULT_COUNT = 1000
_SETUP = 2**31


class EventGenerator:
    """Event streams: Poisson arrivals (optionally diurnal and bursty), weighted types, reused entities."""

    type = "events"
    description = "event streams: Poisson arrivals, weighted types, payloads per type, skewed entities"

    def __init__(self, *, clock: Clock, default_rate: str = DEFAULT_RATE) -> None:
        self._clock = clock
        self.default_rate = parse_rate(default_rate, "generators.events.defaultRate")
        self.options: tuple[OptionSpec, ...] = (
            OptionSpec("rate", lambda v: parse_rate(v, "--rate"), self.default_rate,
                       f"mean arrival rate: 100/sec, 100/s, 5/min, 2/hour (default {default_rate})"),
            OptionSpec("start", parse_start, None, "first instant, ISO-8601 (default: now, floored to the second)"),
            OptionSpec("duration", lambda v: parse_duration(v, "--duration"), None,
                       "span to fill with arrivals instead of a --count (e.g. 10m, 1d)"),
            OptionSpec("diurnal", parse_diurnal, None,
                       "hour-of-day rate profile: flat, business, consumer or 24 weights"),
            OptionSpec("bursts", Bursts.from_payload, None,
                       'random bursts: {"rate": "2/hour", "duration": "5m", "factor": 10}'),
            OptionSpec("realtime", parse_bool, None, "pace output to the wall clock at the event rate"),
        )

    makes_parts = True  # a request's part (a shard) is made alone, with the records a whole run makes there

    # --- request -------------------------------------------------------------------------------

    def prepare(self, request: GenerationRequest) -> GenerationRequest:
        """Resolve start and count; return the request with its output schema (idempotent)."""
        opts = dict(request.options)
        count = request.count
        if count is not None and opts.get("duration") is not None:
            raise UsageError("events take --count or --duration, not both")
        if count is None and opts.get("duration") is None and not opts.get("realtime"):
            count = DEFAULT_COUNT
        if opts.get("start") is None:
            opts["start"] = from_epoch_us(floor_to(int(self._clock.now() * 1e6), 1_000_000))
        opts.setdefault("rate", self.default_rate)
        schema = expand_event_schema(request.schema)
        for f in schema.fields:
            pop = Population.from_field(f)
            if pop is not None:
                check_uniques((attrs.evolve(f, unique=True),), pop.size, request.locale)
        return attrs.evolve(request, schema=schema, count=count, options=opts)

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        return validate_record(record, schema)

    # --- generation ----------------------------------------------------------------------------

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        req = self.prepare(request)
        if req.option("realtime"):
            return paced(self._timed(req), self._clock)
        return (chunk for chunk, _ in self._timed(req))

    def _arrivals(self, req: GenerationRequest, engine: ColumnEngine) -> tuple[ArrivalEdges, ArrivalProcess]:
        count = req.count
        start_us = to_epoch_us(req.option("start"))
        clock = ArrivalEdges(functools.partial(engine.rng, "events:edges"),
                          lambda c: CHUNK_SIZE if count is None else min(CHUNK_SIZE, count - c * CHUNK_SIZE))
        return clock, ArrivalProcess(float(req.option("rate")), start_us / 1e6, diurnal=req.option("diurnal"),
                                     bursts=req.option("bursts"), burst_rng=engine.rng("events:bursts", _SETUP))

    def total(self, request: GenerationRequest) -> int | None:
        """The run's event count: its --count, or the arrivals before its --duration ends (None: no end)."""
        req = self.prepare(request)
        duration = req.option("duration")
        if req.count is not None or duration is None:
            return req.count
        engine = ColumnEngine(req.seed, req.locale)
        edges, probe = self._arrivals(req, engine)
        chunk = 0
        while probe.times(np.array([edges.start_of(chunk + 1)]))[0] < duration:
            chunk += 1
        edges, last = self._arrivals(req, engine)  # afresh: both walk forward only
        gaps = engine.rng("events:arrivals", chunk).exponential(1.0, CHUNK_SIZE)
        times = last.times(edges.times(chunk, gaps))
        return chunk * CHUNK_SIZE + int(np.searchsorted(times, duration, side="left"))

    def _timed(self, req: GenerationRequest) -> Iterator[tuple[RecordChunk, np.ndarray]]:
        schema, count = req.schema, req.count
        total = self.total(req)
        engine = ColumnEngine(req.seed, req.locale, capacity=total)
        start_us = to_epoch_us(req.option("start"))
        edges, arrivals = self._arrivals(req, engine)
        ts_field = next(f for f in schema.fields if f.type == "datetime")
        pools = {f.name: _Pool(f, pop, engine) for f in schema.fields
                 if (pop := Population.from_field(f)) is not None}
        payloads = [p for p in payload_fields(Schema(fields=tuple(f for f in schema.fields
                                                                  if f.option(PAYLOAD_MARK) is None)))]
        payload_names = {p.field.name for p in payloads}
        taken = {ts_field.name, *pools, *payload_names}
        others = tuple(f for f in schema.fields if f.name not in taken)
        span = None if total is None else part_range(req.part, total)
        for chunk_index in itertools.count() if span is None else chunk_indices(span, CHUNK_SIZE):
            offset = chunk_index * CHUNK_SIZE
            size = CHUNK_SIZE if count is None else min(CHUNK_SIZE, count - offset)
            gaps = engine.rng("events:arrivals", chunk_index).exponential(1.0, size)
            times = arrivals.times(edges.times(chunk_index, gaps))
            n = size if total is None else min(size, total - offset)  # a --duration ends inside its last chunk
            times = times[:n]
            us = start_us + np.rint(times * 1e6).astype(np.int64)
            cols: dict[str, Sequence[Any]] = {ts_field.name: format_instants(us, ts_field.format, "us")}
            if others:
                cols.update(engine.columns(others, n, offset, chunk_index,
                                           known={ts_field.name: (ts_field, cols[ts_field.name])}))
            for name, pool in pools.items():
                cols[name] = pool.draw(engine, n, chunk_index)
            if payloads:
                made = engine.columns(tuple(p.field for p in payloads), n, offset, chunk_index, "payload")
                for p in payloads:
                    allowed = set(p.values)
                    cols[p.field.name] = [v if s in allowed else None
                                          for v, s in zip(made[p.field.name], cols[p.selector], strict=True)]
            chunk = RecordChunk(columns={f.name: cols[f.name] for f in schema.fields}, length=n)
            kept = chunk if span is None else clip(chunk, offset, span)
            if kept is not None:
                lead = 0 if span is None else max(span.start - offset, 0)
                yield kept, times[lead:lead + kept.length]


class _Pool:
    """A fixed set of distinct entity values, drawn with Zipf-like popularity 1/rank^skew."""

    def __init__(self, f: Field, pop: Population, engine: ColumnEngine) -> None:
        self.field = f
        distinct = attrs.evolve(f, unique=True, nullable=False, null_rate=0.0)
        values = engine.column(distinct, pop.size, 0, _SETUP, f"population:{f.name}", {})
        self.values = np.empty(pop.size, dtype=object)
        self.values[:] = values
        weights = 1.0 / np.arange(1, pop.size + 1, dtype=np.float64) ** pop.skew
        self.cdf = np.cumsum(weights) / weights.sum()

    def draw(self, engine: ColumnEngine, n: int, chunk_index: int) -> list[Any]:
        rng = engine.rng(f"population:{self.field.name}", chunk_index)
        idx = np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), self.values.size - 1)
        out: list[Any] = self.values[idx].tolist()
        if self.field.nullable and self.field.null_rate > 0:
            gaps = rng.random(n) < self.field.null_rate
            out = [None if g else v for v, g in zip(out, gaps.tolist(), strict=True)]
        return out
