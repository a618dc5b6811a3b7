"""The column engine: makes a chunk of records for a list of fields (order, nulls, uniqueness, nesting)."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.random  # numpy 2 loads it lazily: not inside a run, where a signal can get lost in its init

from agentic_synth.adapters.columns.vectors import Column, Lists, Structs, as_list
from agentic_synth.adapters.engine.columns import PRIMITIVE_MAKERS, pattern_column
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.semantic import SEMANTIC_MAKERS
from agentic_synth.adapters.engine.unique import DEFAULT_CAPACITY, check_unique, unique_column
from agentic_synth.adapters.engine.unique_index import index_space
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Field
from agentic_synth.domain.schema.types import TEXTUAL_TYPES

Maker = Callable[[Field, Ctx], Sequence[Any]]
MAKERS: dict[str, Maker] = {**PRIMITIVE_MAKERS, **SEMANTIC_MAKERS}

# Fields that others read (names before email, city before postcode...) are made first.
_FIRST = {"first_name": 0, "last_name": 0, "name": 1, "city": 1, "country": 1, "country_code": 1,
          "domain": 1, "postcode": 2}


def _key(*parts: Any) -> int:
    return zlib.crc32("\x1f".join(map(str, parts)).encode())


def generation_order(fields: tuple[Field, ...]) -> list[Field]:
    ordered = sorted(fields, key=lambda f: _FIRST.get(f.type, 3))
    # a field declared "after" another comes after it
    for _ in range(len(ordered)):
        moved = False
        for i, f in enumerate(ordered):
            if f.after:
                j = next((k for k, g in enumerate(ordered) if g.name == f.after), -1)
                if j > i:
                    ordered.insert(j, ordered.pop(i))
                    moved = True
                    break
        if not moved:
            break
    return ordered


def check_uniques(fields: tuple[Field, ...], count: int | None, locale: str, path: str = "") -> None:
    """Refuse, before any output, a unique field that cannot take `count` distinct values."""
    capacity = DEFAULT_CAPACITY if count is None else count
    for f in fields:
        where = f"{path}.{f.name}" if path else f.name
        if f.unique:
            check_unique(f, locale, capacity, where)
        if f.type == "object":
            check_uniques(f.fields, count, locale, where)
        if f.type == "array" and f.items is not None and f.items.unique:
            check_unique(f.items, locale, capacity * max(1, f.max_items), where + "[]")


class ColumnEngine:
    """Makes columns for fields, chunk by chunk, with per-field random streams derived from the seed."""

    def __init__(self, seed: int, locale: str, capacity: int | None = None) -> None:
        self.seed = seed
        self.locale = locale
        self.capacity = DEFAULT_CAPACITY if capacity is None else capacity  # the job's records: unique spaces

    def rng(self, path: str, chunk_index: int, stream: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed & 0xFFFFFFFFFFFFFFFF, chunk_index, _key(path), stream])

    def columns(self, fields: tuple[Field, ...], n: int, offset: int, chunk_index: int,
                path: str = "", known: dict[str, tuple[Field, Sequence[Any]]] | None = None
                ) -> dict[str, Sequence[Any]]:
        """Columns for `fields`; `known` holds columns made elsewhere (a series' timestamps) they may follow."""
        siblings: dict[str, tuple[Field, Sequence[Any]]] = dict(known or {})
        for f in generation_order(fields):
            where = f"{path}.{f.name}" if path else f.name
            values = self.column(f, n, offset, chunk_index, where, siblings)
            siblings[f.name] = (f, values)
        return {f.name: siblings[f.name][1] for f in fields}

    def column(self, f: Field, n: int, offset: int, chunk_index: int, path: str,
               siblings: dict[str, tuple[Field, Sequence[Any]]], *, index: np.ndarray | None = None,
               capacity: int | None = None) -> Sequence[Any]:
        """A column of n values for records offset .. offset+n; a unique one numbers them so (or by `index`)."""
        ctx = Ctx(rng=self.rng(path, chunk_index), n=n, offset=offset, locale=self.locale,
                  siblings=siblings, seed=self.seed)
        if f.unique:
            room = max(self.capacity, offset + n) if capacity is None else capacity
            values = unique_column(f, ctx, lambda g, c: self._make(g, c, path, chunk_index),
                                   key=_key(self.seed, path), capacity=room, where=path, index=index)
        else:
            values = self._make(f, ctx, path, chunk_index)
        if f.nullable and f.null_rate > 0:
            mask = self.rng(path, chunk_index, 1).random(n) < f.null_rate
            if isinstance(values, Column):
                return values.with_nulls(mask)
            values = [None if m else v for v, m in zip(values, mask.tolist(), strict=True)]
        return values

    def _make(self, f: Field, ctx: Ctx, path: str, chunk_index: int) -> Sequence[Any]:
        if f.type == "object":
            return Structs(self.columns(f.fields, ctx.n, ctx.offset, chunk_index, path), ctx.n)
        if f.type == "array":
            return self._array(f, ctx, path, chunk_index)
        if f.pattern is not None:
            return pattern_column(f, ctx)
        values = MAKERS[f.type](f, ctx)
        if f.type in TEXTUAL_TYPES and (f.min_length is not None or f.max_length is not None):
            values = _fit_length(as_list(values), f, ctx.rng)
        return values

    def _array(self, f: Field, ctx: Ctx, path: str, chunk_index: int) -> Sequence[Any]:
        assert f.items is not None
        item = f.items
        lengths = ctx.rng.integers(f.min_items, f.max_items + 1, ctx.n)
        if f.unique_items:
            space = index_space(item, item.locale or self.locale)
            if space is not None and space < f.min_items:
                raise SchemaError(f"unique_items: items can take only {space} distinct values, "
                                  f"fewer than min_items {f.min_items}", path)
            if space is not None:
                lengths = np.minimum(lengths, space)
        total = int(lengths.sum())
        draw = total * 3 if f.unique_items else total
        # item q of a chunk is number offset * per_record + q: distinct across chunks and records
        per_record = (3 if f.unique_items else 1) * max(1, f.max_items)
        numbers = np.arange(draw, dtype=np.uint64) + np.uint64(ctx.offset * per_record) if item.unique else None
        room = max(self.capacity, ctx.offset + ctx.n) * per_record
        flat = self.column(item, draw, ctx.offset, chunk_index, path + "[]", {}, index=numbers,
                           capacity=room) if draw else []
        if not f.unique_items:
            offsets = np.zeros(ctx.n + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            return Lists(offsets, flat)
        flat = as_list(flat)
        out: list[Any] = []
        pos = 0
        for k in lengths.tolist():
            row: list[Any] = []
            keys: set[str] = set()
            while len(row) < k and pos < len(flat):
                key = repr(flat[pos])
                if key not in keys:
                    keys.add(key)
                    row.append(flat[pos])
                pos += 1
            if len(row) < f.min_items:
                raise SchemaError("unique_items: could not draw enough distinct items", path)
            out.append(row)
        return out


def _fit_length(values: list[Any], f: Field, rng: np.random.Generator) -> list[Any]:
    """Cut values longer than max_length and pad shorter than min_length with random letters."""
    lo, hi = f.min_length or 0, f.max_length
    out = []
    for v in values:
        if hi is not None and len(v) > hi:
            v = v[:hi]
        if len(v) < lo:
            v += "".join(chr(97 + i) for i in rng.integers(0, 26, lo - len(v)).tolist())
        out.append(v)
    return out
