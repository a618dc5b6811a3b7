"""Word lists shipped in `vocabularies/`, loaded lazily once per process, as numpy arrays."""

from __future__ import annotations

import functools
from importlib import resources

import attrs
import numpy as np

from agentic_synth.domain.schema.types import DEFAULT_LOCALE


def _lines(relative: str) -> list[str]:
    root = resources.files("agentic_synth.adapters.engine") / "vocabularies"
    text = (root / relative).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def _rows(relative: str) -> list[list[str]]:
    return [line.split("\t") for line in _lines(relative)]


def _localised(locale: str, name: str) -> str:
    root = resources.files("agentic_synth.adapters.engine") / "vocabularies"
    if (root / locale / name).is_file():
        return f"{locale}/{name}"
    return f"{DEFAULT_LOCALE}/{name}"


@attrs.frozen(eq=False)
class Weighted:
    """Values with selection probabilities."""

    values: np.ndarray
    p: np.ndarray
    cdf: np.ndarray = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        cdf = self.p.cumsum()
        object.__setattr__(self, "cdf", cdf / cdf[-1])

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Like rng.choice(values, n, p=p) (the same draws), without recomputing the cdf each time."""
        return self.values[self.codes(rng, n)]

    def codes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The indices of `draw`'s values (the same draws)."""
        return self.cdf.searchsorted(rng.random(n), side="right")


def _weighted(rows: list[list[str]], value_col: int, weight_col: int) -> Weighted:
    weights = np.array([float(r[weight_col]) if len(r) > weight_col else 1.0 for r in rows])
    return Weighted(values=np.array([r[value_col] for r in rows], dtype=object), p=weights / weights.sum())


@attrs.frozen(eq=False)
class Cities:
    """A locale's cities with region, postcode pattern and coordinates."""

    names: np.ndarray
    regions: np.ndarray
    postcodes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray


@functools.cache
def first_names(locale: str) -> Weighted:
    return _weighted(_rows(_localised(locale, "first_names.tsv")), 0, 2)


@functools.cache
def last_names(locale: str) -> Weighted:
    return _weighted(_rows(_localised(locale, "last_names.tsv")), 0, 1)


@functools.cache
def cities(locale: str) -> Cities:
    rows = _rows(_localised(locale, "cities.tsv"))
    col = lambda i: np.array([r[i] for r in rows], dtype=object)  # noqa: E731
    return Cities(names=col(0), regions=col(1), postcodes=col(2),
                  lat=np.array([float(r[3]) for r in rows]), lon=np.array([float(r[4]) for r in rows]))


@functools.cache
def words(name: str, locale: str | None = None) -> np.ndarray:
    """A plain list: top-level `name` (e.g. 'jobs.txt'), or per-locale when `locale` is given."""
    path = _localised(locale, name) if locale else name
    return np.array(_lines(path), dtype=object)


@functools.cache
def table(name: str) -> list[list[str]]:
    return _rows(name)


@functools.cache
def locale_country(locale: str) -> str:
    return _lines(_localised(locale, "country.txt"))[0].strip()


@functools.cache
def street_format(locale: str) -> str:
    try:
        return _lines(f"{locale}/street_format.txt")[0]
    except FileNotFoundError:
        return "{number} {street} {suffix}"
