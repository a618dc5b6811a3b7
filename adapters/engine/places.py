"""Vectorised column makers for places: cities with their postcodes, streets, addresses, countries, coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import Picks, vocabulary
from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.columns import round_into
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.draws import fill_template, locale_of
from agentic_synth.domain.schema.schema import Field


def city_index(f: Field, ctx: Ctx) -> np.ndarray:
    key = ("__city_index__", locale_of(f, ctx))
    cached = ctx.siblings.get(str(key))
    if cached is not None:
        return np.asarray(cached[1])
    idx = ctx.rng.integers(0, len(vocab.cities(locale_of(f, ctx)).names), ctx.n)
    ctx.siblings[str(key)] = (Field(name=str(key), type="__internal__"), idx.tolist())
    return idx


def city_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    return Picks(city_index(f, ctx), vocabulary(vocab.cities(locale_of(f, ctx)).names))


def postcode_column(f: Field, ctx: Ctx) -> list[Any]:
    return fill_template(vocab.cities(locale_of(f, ctx)).postcodes[city_index(f, ctx)], ctx.rng)


def street_column(f: Field, ctx: Ctx) -> list[Any]:
    loc = locale_of(f, ctx)
    streets, suffixes = vocab.words("streets.txt", loc), vocab.words("street_suffixes.txt", loc)
    template = vocab.street_format(loc)
    names = streets[ctx.rng.integers(0, len(streets), ctx.n)].tolist()
    sufs = suffixes[ctx.rng.integers(0, len(suffixes), ctx.n)].tolist()
    nums = ctx.rng.integers(1, 2000, ctx.n).tolist()
    return [template.format(number=k, street=s, suffix=x).strip() for k, s, x in zip(nums, names, sufs, strict=True)]


def address_column(f: Field, ctx: Ctx) -> list[Any]:
    cities = vocab.cities(locale_of(f, ctx))
    idx = city_index(f, ctx)
    streets = street_column(f, ctx)
    posts = ctx.sibling("postcode") or fill_template(cities.postcodes[idx], ctx.rng)
    names, regions = cities.names[idx].tolist(), cities.regions[idx].tolist()
    if locale_of(f, ctx) == "en_US":
        return [f"{s}, {c}, {r} {p}" for s, c, r, p in zip(streets, names, regions, posts, strict=True)]
    return [f"{s}, {p} {c}" for s, c, p in zip(streets, names, posts, strict=True)]


def countries() -> list[list[str]]:
    """Rows of countries.tsv: name, ISO code, ..., currency."""
    return vocab.table("countries.tsv")


def country_column(f: Field, ctx: Ctx, column: int = 0) -> list[Any]:
    rows = countries()
    if ctx.sibling("city", "address", "postcode") is not None:
        code = vocab.locale_country(locale_of(f, ctx))
        row = next((r for r in rows if r[1] == code), rows[0])
        return [row[column]] * ctx.n
    idx = ctx.rng.integers(0, len(rows), ctx.n)
    values = np.array([r[column] for r in rows], dtype=object)
    return values[idx].tolist()


def country_code_column(f: Field, ctx: Ctx) -> list[Any]:
    return country_column(f, ctx, column=1)


def _near_city(f: Field, ctx: Ctx, coords: np.ndarray, lo: float, hi: float) -> list[Any] | None:
    if ctx.sibling("city", "address") is None:
        return None
    jitter = ctx.rng.normal(0, 0.05, ctx.n)
    return round_into(coords[city_index(f, ctx)] + jitter, _coord_precision(f), lo, hi).tolist()


def _coord_precision(f: Field) -> int:
    return 6 if f.precision is None else f.precision


def latitude_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = (f.min if f.min is not None else -90.0), (f.max if f.max is not None else 90.0)
    near = _near_city(f, ctx, vocab.cities(locale_of(f, ctx)).lat, lo, hi)
    if near is not None:
        return near
    s_lo, s_hi = np.sin(np.radians(lo)), np.sin(np.radians(hi))  # uniform on the sphere's surface
    return round_into(np.degrees(np.arcsin(ctx.rng.uniform(s_lo, s_hi, ctx.n))), _coord_precision(f), lo, hi).tolist()


def longitude_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = (f.min if f.min is not None else -180.0), (f.max if f.max is not None else 180.0)
    near = _near_city(f, ctx, vocab.cities(locale_of(f, ctx)).lon, lo, hi)
    if near is not None:
        return near
    return round_into(ctx.rng.uniform(lo, hi, ctx.n), _coord_precision(f), lo, hi).tolist()
