"""The column engine: makes a chunk of records for a list of fields (order, nulls, uniqueness, nesting)."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.columns import PRIMITIVE_MAKERS, integer_bounds, pattern_column
from agentic_synth.adapters.engine.conform import conform, make_shaped
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.format_columns import FORMAT_MAKERS
from agentic_synth.adapters.engine.permutation import permute
from agentic_synth.adapters.engine.semantic import SEMANTIC_MAKERS
from agentic_synth.adapters.engine.temporal_columns import date_bounds, format_dates
from agentic_synth.adapters.engine.unique import SeenValues, hash64
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Field, Schema, thaw
from agentic_synth.domain.schema.types import TEXTUAL_TYPES

if TYPE_CHECKING:
    from agentic_synth.adapters.jsonschema_checks import JsonSchemaChecks

Maker = Callable[[Field, Ctx], list[Any]]
MAKERS: dict[str, Maker] = {**PRIMITIVE_MAKERS, **SEMANTIC_MAKERS}

# Fields that others read (names before email, city before postcode...) are made first.
_FIRST = {"first_name": 0, "last_name": 0, "name": 1, "city": 1, "country": 1, "country_code": 1,
          "domain": 1, "postcode": 2}
_VOCAB_SPACE = {"first_name": ("first_names", None), "last_name": ("last_names", None),
                "job": ("jobs.txt", None), "word": ("words.txt", None), "city": ("cities", None)}
_TABLE_SPACE = {"country": "countries.tsv", "country_code": "countries.tsv", "currency": "currencies.tsv",
                "color": "color_names.tsv"}
_BY_INDEX = ("integer", "enum", "boolean", "const", "date")
_MAX_UNIQUE_ROUNDS = 25


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


def value_space(f: Field, locale: str) -> int | None:
    """How many distinct values a field can take, when that is small enough to matter."""
    if f.type == "boolean":
        return 2
    if f.type == "const":
        return 1
    if f.type == "enum":
        return len(f.values)
    if f.type == "integer" and not f.multiple_of:
        lo, hi = integer_bounds(f)
        return hi - lo + 1
    if f.type == "date" and not f.after:
        lo, hi = date_bounds(f)
        return hi - lo + 1
    if f.type in _TABLE_SPACE and f.pattern is None and (f.type != "color" or f.format == "name"):
        return len(vocab.table(_TABLE_SPACE[f.type]))
    if f.type in _VOCAB_SPACE and f.pattern is None:
        loc = f.locale or locale
        if f.type == "first_name":
            return len(vocab.first_names(loc).values)
        if f.type == "last_name":
            return len(vocab.last_names(loc).values)
        if f.type == "city":
            return len(vocab.cities(loc).names)
        return len(vocab.words(_VOCAB_SPACE[f.type][0]))
    return None


def check_uniques(fields: tuple[Field, ...], count: int | None, locale: str, path: str = "") -> None:
    """Refuse, before any output, a unique field whose value space is smaller than the count."""
    if count is None:
        return
    for f in fields:
        where = f"{path}.{f.name}" if path else f.name
        if f.unique:
            space = value_space(f, locale)
            if space is not None and space < count:
                raise SchemaError(f"unique: this field can take at most {space} distinct values, "
                                  f"fewer than the {count} records asked for", where)
        if f.type == "object":
            check_uniques(f.fields, count, locale, where)


def _has_checks(f: Field | None) -> bool:
    if f is None or f.shape is None:
        return bool(f and (any(map(_has_checks, f.fields)) or _has_checks(f.items)))
    shape = f.shape
    parts = (*f.fields, f.items, *shape.branches, shape.additional, *(g for _, g in shape.patterns), shape.names,
             *shape.prefix, shape.contains)
    return bool(shape.checks) or any(_has_checks(p) for p in parts if p is not None)


def json_schema_checks(schema: Schema) -> JsonSchemaChecks | None:
    """The jsonschema checks a JSON Schema needs (None for the compact format or an exact schema)."""
    if schema.source is None or not (_has_checks(schema.root) or any(map(_has_checks, schema.fields))):
        return None
    from agentic_synth.adapters.jsonschema_checks import JsonSchemaChecks

    return JsonSchemaChecks(schema.source, fast_formats=True)


class ColumnEngine:
    """Makes columns for fields, chunk by chunk, with per-field random streams derived from the seed."""

    def __init__(self, seed: int, locale: str, checks: JsonSchemaChecks | None = None) -> None:
        self.seed = seed
        self.locale = locale
        self.checks = checks  # JSON Schema only: values are tested where generation is not exact
        self._seen: dict[str, SeenValues] = {}

    def rng(self, path: str, chunk_index: int, stream: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed & 0xFFFFFFFFFFFFFFFF, chunk_index, _key(path), stream])

    def columns(self, fields: tuple[Field, ...], n: int, offset: int, chunk_index: int,
                path: str = "", known: dict[str, tuple[Field, list[Any]]] | None = None) -> dict[str, list[Any]]:
        """Columns for `fields`; `known` holds columns made elsewhere (a series' timestamps) they may follow."""
        siblings: dict[str, tuple[Field, list[Any]]] = dict(known or {})
        for f in generation_order(fields):
            where = f"{path}.{f.name}" if path else f.name
            values = self.column(f, n, offset, chunk_index, where, siblings)
            siblings[f.name] = (f, values)
        return {f.name: siblings[f.name][1] for f in fields}

    def column(self, f: Field, n: int, offset: int, chunk_index: int, path: str,
               siblings: dict[str, tuple[Field, list[Any]]], *, lenient: bool = False) -> list[Any]:
        """A field's values; `lenient` (a union's branch) marks values it cannot fix FAILED instead of stopping."""
        ctx = Ctx(rng=self.rng(path, chunk_index), n=n, offset=offset, locale=self.locale,
                  siblings=siblings, seed=self.seed)
        if f.unique and f.type in _BY_INDEX and not f.after and f.pattern is None:
            values = self._unique_by_index(f, ctx, path)
        else:
            values = self._make(f, ctx, path, chunk_index)
            if f.unique:
                values = self._dedupe(f, values, ctx, path, chunk_index)
        if f.shape is not None:
            values = conform(self, f, values, ctx, path, chunk_index, lenient=lenient)
        if f.nullable and f.null_rate > 0:
            mask = self.rng(path, chunk_index, 1).random(n) < f.null_rate
            values = [None if m else v for v, m in zip(values, mask.tolist(), strict=True)]
        return values

    def _make(self, f: Field, ctx: Ctx, path: str, chunk_index: int) -> list[Any]:
        if f.shape is not None and (f.type in ("union", "object", "array") or f.format in FORMAT_MAKERS
                                    or f.pattern is not None):
            return make_shaped(self, f, ctx, path, chunk_index)
        if f.type == "object":
            cols = self.columns(f.fields, ctx.n, ctx.offset, chunk_index, path)
            names = list(cols)
            return [dict(zip(names, row, strict=True)) for row in zip(*cols.values(), strict=True)]
        if f.type == "array":
            return self._array(f, ctx, path, chunk_index)
        if f.pattern is not None:
            return pattern_column(f, ctx)
        values = MAKERS[f.type](f, ctx)
        if f.type in TEXTUAL_TYPES and (f.min_length is not None or f.max_length is not None):
            values = _fit_length(values, f, ctx.rng)
        return values

    def _array(self, f: Field, ctx: Ctx, path: str, chunk_index: int) -> list[Any]:
        assert f.items is not None
        item = f.items
        lengths = ctx.rng.integers(f.min_items, f.max_items + 1, ctx.n)
        if f.unique_items:
            space = value_space(item, self.locale)
            if space is not None and space < f.min_items:
                raise SchemaError(f"unique_items: items can take only {space} distinct values, "
                                  f"fewer than min_items {f.min_items}", path)
            if space is not None:
                lengths = np.minimum(lengths, space)
        total = int(lengths.sum())
        draw = total * 3 if f.unique_items else total
        flat = self.column(item, draw, ctx.offset, chunk_index, path + "[]", {}) if draw else []
        out: list[Any] = []
        pos = 0
        for k in lengths.tolist():
            if not f.unique_items:
                out.append(flat[pos:pos + k])
                pos += k
                continue
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

    def _unique_by_index(self, f: Field, ctx: Ctx, path: str) -> list[Any]:
        space = value_space(f, self.locale) or 1
        idx = permute(np.arange(ctx.offset, ctx.offset + ctx.n, dtype=np.uint64), space, _key(self.seed, path))
        if idx.size and int(idx.max()) >= space:
            raise SchemaError(f"unique: ran out of the {space} distinct values", path)
        if f.type == "integer":
            lo, _ = integer_bounds(f)
            return (idx.astype(np.int64) + lo).tolist()
        if f.type == "date":
            return format_dates(idx.astype(np.int64) + date_bounds(f)[0])
        values = [thaw(v) for v in f.values] if f.type == "enum" else ([False, True] if f.type == "boolean"
                                                                        else [thaw(f.const)])
        return [values[i] for i in idx.tolist()]

    def _dedupe(self, f: Field, values: list[Any], ctx: Ctx, path: str, chunk_index: int) -> list[Any]:
        """Redraw repeats (of earlier chunks or earlier in this one) until every value is new."""
        seen = self._seen.setdefault(path, SeenValues())
        out = list(values)
        positions = np.arange(len(out))
        hashes = hash64(out)
        for round_ in range(_MAX_UNIQUE_ROUNDS):
            repeats = positions[~seen.admit(hashes)]
            if not repeats.size:
                return out
            # the retried rows keep their own siblings, so an email still matches its record's name
            siblings = {k: (sf, [sv[i] for i in repeats.tolist()]) for k, (sf, sv) in ctx.siblings.items()}
            retry = Ctx(rng=self.rng(path, chunk_index, 2 + round_), n=len(repeats), offset=ctx.offset,
                        locale=self.locale, siblings=siblings, seed=self.seed)
            fresh = self._make(f, retry, path, chunk_index)
            if f.type in ("email", "username") and round_ > 0:
                fresh = [_with_digits(v, retry.rng) for v in fresh]
            for i, v in zip(repeats.tolist(), fresh, strict=True):
                out[i] = v
            positions, hashes = repeats, hash64(fresh)
        raise SchemaError("unique: could not find enough distinct values; widen the field or lower --count", path)


def _with_digits(value: str, rng: np.random.Generator) -> str:
    suffix = str(int(rng.integers(100, 100000)))
    local, at, domain = value.partition("@")
    return f"{local}{suffix}{at}{domain}"


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
