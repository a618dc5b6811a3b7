"""Draws the semantic column makers share: a field's locale, words from a list, filled-in templates."""

from __future__ import annotations

import functools
import unicodedata

import numpy as np

from agentic_synth.adapters.columns.vectors import Texts
from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.domain.schema.schema import Field

_HASH, _ZERO, _LETTER, _LEADING = ord("#"), ord("0"), ord("A"), ord("N")


@functools.lru_cache(maxsize=1 << 16)
def ascii_fold(text: str) -> str:
    """A name folded to lower-case ASCII letters and digits, for emails and usernames (memoised)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def fill_template(templates: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Replace '#' with a random digit, 'N' with a digit 2-9 and 'A' with a random letter (vectorised per chunk)."""
    return filled_texts(templates, rng).to_list()


def filled_texts(templates: np.ndarray, rng: np.random.Generator) -> Texts:
    """`fill_template` as a Texts column (no Python string per value).

    Works on the UTF-8 bytes: '#', 'N' and 'A' are single bytes that never occur inside a multi-byte character.
    """
    raw = np.frombuffer("\x1f".join(templates.tolist()).encode(), dtype=np.uint8).copy()
    digits = raw == _HASH
    raw[digits] = _ZERO + rng.integers(0, 10, int(digits.sum()), dtype=np.uint8)
    leading = raw == _LEADING
    if leading.any():
        raw[leading] = _ZERO + rng.integers(2, 10, int(leading.sum()), dtype=np.uint8)
    letters = raw == _LETTER
    raw[letters] = _LETTER + rng.integers(0, 26, int(letters.sum()), dtype=np.uint8)
    return Texts.from_joined(raw.tobytes(), len(templates))


def locale_of(f: Field, ctx: Ctx) -> str:
    """The field's own locale, else the run's."""
    return f.locale or ctx.locale


def pick(name: str, ctx: Ctx) -> np.ndarray:
    """`ctx.n` words drawn uniformly from a word list."""
    values = vocab.words(name)
    return values[ctx.rng.integers(0, len(values), ctx.n)]
