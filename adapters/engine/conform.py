"""JSON Schema fields in the engine: the shaped makers, sample values, and the check-and-redraw loop.

Where a field's generation is not exact by construction (its Shape names checks, a pattern meets a
length, a float multipleOf), its values are tested and the failing rows alone are made again, with
fresh random streams, up to MAX_ROUNDS times; then the run stops with the reason and the place.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from agentic_synth.adapters.columns.vectors import as_list
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.format_columns import FORMAT_MAKERS
from agentic_synth.adapters.engine.regex_sampler import RegexSampler, UnsupportedPattern
from agentic_synth.adapters.engine.shapes import array_column, exact_multiples, object_column, union_column
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Field

if TYPE_CHECKING:
    from agentic_synth.adapters.engine.records import ColumnEngine

MAX_ROUNDS = 40
BRANCH_ROUNDS = 4  # a union's branch gives up sooner: the union then draws another branch for the row
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "FAILED"})()  # a branch value that could not be made
SAMPLE_SHARE = 0.3  # the share of values drawn from a field's default/examples


def make_shaped(engine: ColumnEngine, f: Field, ctx: Ctx, path: str, chunk: int) -> list[Any]:
    if f.type == "union":
        return union_column(engine, f, ctx, path, chunk)
    if f.type == "object":
        return object_column(engine, f, ctx, path, chunk)
    if f.type == "array":
        return array_column(engine, f, ctx, path, chunk)
    if f.pattern is not None:
        return pattern_values(f, ctx)
    return FORMAT_MAKERS[str(f.format)](f, ctx)


def pattern_values(f: Field, ctx: Ctx) -> list[Any]:
    """Strings matching the pattern, their unbounded repeats kept within the field's length bounds."""
    assert f.pattern is not None
    rng = random.Random(int(ctx.rng.integers(0, 2**63)))
    try:
        sampler = RegexSampler(f.pattern, rng, min_length=f.min_length or 0, max_length=f.max_length)
        return [sampler.draw() for _ in range(ctx.n)]
    except (UnsupportedPattern, re.error, RecursionError) as exc:
        raise SchemaError(f"pattern {f.pattern!r} cannot be drawn from: {exc}",
                          f.shape.pointer if f.shape else "") from None


def conform(engine: ColumnEngine, f: Field, values: list[Any], ctx: Ctx, path: str, chunk: int, *,
            lenient: bool = False) -> list[Any]:
    """Values of a JSON Schema field that satisfy it: samples mixed in, failures redrawn.

    A `lenient` field (a union's branch) leaves FAILED where it gives up; its union redraws those rows.
    """
    shape = f.shape
    assert shape is not None
    if f.type == "time" and f.format == "rfc3339":
        values = [f"{v}Z" for v in values]
    if shape.samples:
        rng = engine.rng(path, chunk, 3)
        take = np.flatnonzero(rng.random(len(values)) < SAMPLE_SHARE)
        picks = rng.integers(0, len(shape.samples), take.size).tolist()
        values = list(values)
        for i, k in zip(take.tolist(), picks, strict=True):
            values[i] = shape.samples[k]
    bad = _failing(engine, f, values)
    for round_ in range(BRANCH_ROUNDS if lenient else MAX_ROUNDS):
        if not bad:
            return values
        retry = Ctx(rng=engine.rng(path, chunk, 10 + round_), n=len(bad), offset=ctx.offset, locale=ctx.locale,
                    siblings={}, seed=ctx.seed)
        fresh = _remake(engine, f, retry, f"{path}~{round_}", chunk)
        for i, v in zip(bad, fresh, strict=True):
            values[i] = v
        again = _failing(engine, f, fresh)
        bad = [bad[j] for j in again]
    if bad and lenient:
        for i in bad:
            values[i] = FAILED
    elif bad:
        raise SchemaError(f"could not make a value that satisfies the schema here in {MAX_ROUNDS} tries"
                          f"{_why(engine, f, values[bad[0]])}", shape.pointer)
    return values


def _remake(engine: ColumnEngine, f: Field, ctx: Ctx, path: str, chunk: int) -> list[Any]:
    values = as_list(engine._make(f, ctx, path, chunk))
    if f.type == "time" and f.format == "rfc3339":
        values = [f"{v}Z" for v in values]
    return values


def _failing(engine: ColumnEngine, f: Field, values: list[Any]) -> list[int]:
    """Positions of values that break the field: its length bounds, float multiples, its checks."""
    shape = f.shape
    assert shape is not None
    bad: set[int] = {i for i, v in enumerate(values) if v is FAILED}
    if f.min_length is not None or f.max_length is not None:
        lo, hi = f.min_length or 0, f.max_length
        bad.update(i for i, v in enumerate(values)
                   if isinstance(v, str) and (len(v) < lo or (hi is not None and len(v) > hi)))
    if f.multiple_of and f.type in ("number", "integer"):
        bad.update(exact_multiples(values, f.multiple_of))
    if shape.checks and engine.checks is not None:
        rest = [i for i in range(len(values)) if i not in bad]  # (FAILED values are bad already)
        failing = engine.checks.failing(shape.checks, [values[i] for i in rest])
        bad.update(rest[j] for j in failing)
    return sorted(bad)


def _why(engine: ColumnEngine, f: Field, value: Any) -> str:
    if value is FAILED:
        return " (no alternative of the anyOf/oneOf/if could be made to fit)"
    if f.shape and f.shape.checks and engine.checks is not None:
        errors = engine.checks.errors(f.shape.checks, value)
        if errors:
            return f" (for example: {errors[0][1][:160]})"
    if f.min_length is not None or f.max_length is not None:
        return f" (values of this shape do not fit minLength {f.min_length or 0} / maxLength {f.max_length})"
    return ""
