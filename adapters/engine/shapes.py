"""Column makers for JSON Schema shapes: unions (anyOf/oneOf/type lists), open objects and maps, tuples, contains."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.regex_sampler import RegexSampler, UnsupportedPattern
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Field, thaw

if TYPE_CHECKING:
    from agentic_synth.adapters.engine.records import ColumnEngine

MAP_EXTRA = 3  # a map has up to this many keys beyond its minProperties
NESTED_PRESENCE = 0.5  # the share of nested objects that have a given optional property
_END = object()


def union_column(engine: ColumnEngine, f: Field, ctx: Ctx, path: str, chunk: int) -> list[Any]:
    """One branch per value, drawn uniformly; each branch's values are made together, column-wise."""
    assert f.shape is not None
    branches = f.shape.branches
    picks = ctx.rng.integers(0, len(branches), ctx.n)
    out: list[Any] = [None] * ctx.n
    for i, branch in enumerate(branches):
        rows = np.flatnonzero(picks == i)
        if rows.size:
            values = engine.column(branch, int(rows.size), ctx.offset, chunk, f"{path}|{i}", {}, lenient=True)
            for r, v in zip(rows.tolist(), values, strict=True):
                out[r] = v
    return out


def canonical(value: Any) -> Any:
    """A hashable key equal for values JSON Schema calls equal (1 and 1.0; objects in any key order)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, list):
        return ("a", tuple(canonical(v) for v in value))
    if isinstance(value, Mapping):
        return ("o", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    return ("?", repr(value))


def object_column(engine: ColumnEngine, f: Field, ctx: Ctx, path: str, chunk: int) -> list[Any]:
    """Objects: their properties column-wise (optional ones present at their rate), then map keys."""
    assert f.shape is not None
    shape, n, rng = f.shape, ctx.n, ctx.rng
    cols = engine.columns(f.fields, n, ctx.offset, chunk, path)
    present: dict[str, np.ndarray] = {}
    nested = bool(path)  # below the record itself, optional keys are there about half the time
    for c in f.fields:
        rate = c.shape.presence if c.shape else 1.0
        if nested and not c.required:
            rate = min(rate, NESTED_PRESENCE)
        if rate < 1.0:
            present[c.name] = rng.random(n) < rate
    for trigger, deps in shape.depends:
        if trigger in present:
            for d in deps:
                if d in present:
                    present[d] |= present[trigger]
    if shape.max_properties is not None and present:
        _limit(present, len(f.fields) - len(present), shape.max_properties, rng)
    if shape.min_properties > len(f.fields) - len(present) and present and shape.additional is None \
            and not shape.patterns:  # no map keys to make up the count: optional properties are kept
        _at_least(present, len(f.fields) - len(present), shape.min_properties, rng)
    names = list(cols)
    masks = [present.get(k) for k in names]
    rows: list[dict[str, Any]] = []
    for i, values in enumerate(zip(*cols.values(), strict=True)) if names else enumerate([()] * n):
        rows.append({k: v for k, v, m in zip(names, values, masks, strict=True) if m is None or m[i]})
    if shape.additional is not None or shape.patterns:
        _add_keys(engine, f, rows, ctx, path, chunk)
    return rows


def _limit(present: dict[str, np.ndarray], fixed: int, most: int, rng: np.random.Generator) -> None:
    """Drop optional keys at random from rows that would have more than `most` properties."""
    keys = list(present)
    matrix = np.stack([present[k] for k in keys], axis=1)
    allowed = max(most - fixed, 0)
    for r in np.flatnonzero(matrix.sum(axis=1) > allowed).tolist():
        on = np.flatnonzero(matrix[r])
        matrix[r, rng.permutation(on)[allowed:]] = False
    for j, k in enumerate(keys):
        present[k] = matrix[:, j]


def _at_least(present: dict[str, np.ndarray], fixed: int, least: int, rng: np.random.Generator) -> None:
    """Turn optional keys on at random in rows that would have fewer than `least` properties."""
    keys = list(present)
    matrix = np.stack([present[k] for k in keys], axis=1)
    wanted = min(least - fixed, len(keys))
    for r in np.flatnonzero(matrix.sum(axis=1) < wanted).tolist():
        off = np.flatnonzero(~matrix[r])
        matrix[r, rng.permutation(off)[:wanted - int(matrix[r].sum())]] = True
    for j, k in enumerate(keys):
        present[k] = matrix[:, j]


def _add_keys(engine: ColumnEngine, f: Field, rows: list[dict[str, Any]], ctx: Ctx, path: str, chunk: int) -> None:
    """Keys beyond the properties: a map's entries, or enough keys to reach minProperties."""
    assert f.shape is not None
    shape, rng = f.shape, ctx.rng
    sources: list[tuple[str | None, Field]] = [(p, g) for p, g in shape.patterns]
    if shape.additional is not None:
        sources.append((None, shape.additional))
    have = np.array([len(r) for r in rows])
    need = np.maximum(shape.min_properties - have, 0)
    if not f.fields:  # a map: a few entries beyond what minProperties asks
        cap = shape.max_properties if shape.max_properties is not None else shape.min_properties + MAP_EXTRA
        extra = rng.integers(0, max(cap - shape.min_properties, 0) + 1, len(rows))
        need = np.minimum(need + extra, np.maximum(cap - have, 0))
    total = int(need.sum())
    if not total:
        return
    which = rng.integers(0, len(sources), total)
    counts = [int((which == s).sum()) for s in range(len(sources))]
    declared = {c.name for c in f.fields}
    patterns = [re.compile(p) for p, _ in shape.patterns] + [re.compile(p) for p in shape.excluded]
    pools = []
    for s, (pattern, field) in enumerate(sources):
        keys = _keys(engine, f, pattern, counts[s] * 3 + 3, ctx, f"{path}{{{s}}}", chunk)
        others = [p for j, p in enumerate(patterns) if j != s]  # a key of one pattern matches no other
        keys = [k for k in keys if k not in declared and not any(p.search(k) for p in others)]
        values = engine.column(field, len(keys), ctx.offset, chunk, f"{path}{{{s}}}=", {}) if keys else []
        pools.append(list(zip(keys, values, strict=True)))
    cursor = [0] * len(sources)
    pos = 0
    for r, k in enumerate(need.tolist()):
        row = rows[r]
        for s in which[pos:pos + k].tolist():
            for t in (s, *(t for t in range(len(sources)) if t != s)):  # the drawn source first, then the others
                if _take(pools[t], cursor, t, row):
                    break
        pos += k
        if len(row) < shape.min_properties:
            raise SchemaError(f"could not find {shape.min_properties} distinct property names", shape.pointer)


def _take(pool: list[tuple[str, Any]], cursor: list[int], s: int, row: dict[str, Any], lookahead: int = 8) -> bool:
    """Put the next key of `pool` that `row` does not have yet into it (looking a few keys ahead at most)."""
    for j in range(cursor[s], min(cursor[s] + lookahead, len(pool))):
        key, value = pool[j]
        if key not in row:
            row[key] = value
            pool[j] = pool[cursor[s]]
            cursor[s] += 1
            return True
    return False


def _keys(engine: ColumnEngine, f: Field, pattern: str | None, count: int, ctx: Ctx, path: str,
          chunk: int) -> list[str]:
    assert f.shape is not None
    if pattern is not None:
        sampler = RegexSampler(pattern, random.Random(int(ctx.rng.integers(0, 2**63))))
        try:
            return [sampler.draw() for _ in range(count)]
        except UnsupportedPattern as exc:
            raise SchemaError(f"patternProperties {pattern!r} cannot be drawn from: {exc}", f.shape.pointer) from None
    if f.shape.names is not None:
        return [str(k) for k in engine.column(f.shape.names, count, ctx.offset, chunk, path + "#", {})]
    words = vocab.words("words.txt")
    return words[ctx.rng.integers(0, len(words), count)].tolist()


def array_column(engine: ColumnEngine, f: Field, ctx: Ctx, path: str, chunk: int) -> list[Any]:
    """Arrays: prefixItems by position, then items; `contains` items at random places; unique when asked."""
    assert f.shape is not None and f.items is not None
    shape, rng, n = f.shape, ctx.rng, ctx.n
    lo, hi = f.min_items, f.max_items
    choices = _finite_values(f.items)
    if f.unique_items and choices is not None and not shape.prefix and shape.contains is None:
        if len(choices) < lo:
            raise SchemaError(f"uniqueItems: items can take only {len(choices)} distinct values, fewer than "
                              f"minItems {lo}", shape.pointer)
        lengths = rng.integers(lo, min(hi, len(choices)) + 1, n).tolist()
        return [[choices[i] for i in rng.choice(len(choices), size=k, replace=False).tolist()] for k in lengths]
    want = shape.min_contains if shape.contains is not None else 0
    lengths = rng.integers(max(lo, min(want, hi)), hi + 1, n)
    prefix_cols = []
    for i, pf in enumerate(shape.prefix):
        k = int((lengths > i).sum())
        prefix_cols.append(iter(engine.column(pf, k, ctx.offset, chunk, f"{path}[{i}]", {}) if k else []))
    rest = np.maximum(lengths - len(shape.prefix), 0)
    spare = 3 if f.unique_items else 1
    flat = iter(engine.column(f.items, int(rest.sum()) * spare + spare, ctx.offset, chunk, path + "[]", {}))
    hits = rest.copy()
    if shape.contains is not None:
        top = rest if shape.max_contains is None else np.minimum(rest, shape.max_contains)
        hits = np.minimum(rng.integers(min(want, hi), np.maximum(top, want) + 1), rest)
    else:
        hits[:] = 0
    contained = iter(engine.column(shape.contains, int(hits.sum()) * spare + spare, ctx.offset, chunk,
                                   path + "[contains]", {}) if shape.contains is not None else [])
    out = []
    for length, k in zip(lengths.tolist(), hits.tolist(), strict=True):
        row = [next(col) for col in prefix_cols[:length]]
        spots = set(rng.choice(max(length - len(row), 0), size=k, replace=False).tolist()) if k else set()
        seen = {canonical(v) for v in row} if f.unique_items else None
        for j in range(max(length - len(shape.prefix), 0)):
            source = contained if j in spots else flat
            value = next(source, _END)
            while seen is not None and value is not _END and canonical(value) in seen:
                value = next(source, _END)
            if value is _END:
                break
            if seen is not None:
                seen.add(canonical(value))
            row.append(value)
        if len(row) < lo:
            raise SchemaError("uniqueItems: could not draw enough distinct items", shape.pointer)
        out.append(row)
    return out


def _finite_values(f: Field) -> list[Any] | None:
    """The values an enum, const or boolean item can take (None for the rest, or when a check applies)."""
    if f.shape is not None and f.shape.checks:
        return None
    nulls = [None] if f.nullable and f.null_rate > 0 else []
    if f.type == "enum":
        return [thaw(v) for v in f.values] + nulls
    if f.type == "const":
        return [thaw(f.const), *nulls]
    if f.type == "boolean":
        return [False, True, *nulls]
    return None


def exact_multiples(values: list[Any], step: float) -> list[int]:
    """Positions of numbers that JSON Schema's float test (value / step is whole) would call no multiple."""
    if float(step).is_integer() or not values:
        return []
    x = np.asarray([v if isinstance(v, int | float) else math.nan for v in values], dtype=np.float64)
    q = x / step
    return np.flatnonzero(~(np.isfinite(q) & (q == np.trunc(q)))).tolist()
