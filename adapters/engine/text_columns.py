"""Vectorised column makers for text: words, sentences, paragraphs and short strings from the word list."""

from __future__ import annotations

from typing import Any

from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.draws import pick
from agentic_synth.domain.schema.schema import Field


def word_column(f: Field, ctx: Ctx) -> list[Any]:
    return pick("words.txt", ctx).tolist()


def _sentences(ctx: Ctx, count: int, lo: int = 6, hi: int = 15) -> list[str]:
    words = vocab.words("words.txt")
    lengths = ctx.rng.integers(lo, hi, count)
    flat = words[ctx.rng.integers(0, len(words), int(lengths.sum()))].tolist()
    out, pos = [], 0
    for k in lengths.tolist():
        chunk = flat[pos:pos + k]
        pos += k
        out.append(" ".join(chunk).capitalize() + ".")
    return out


def sentence_column(f: Field, ctx: Ctx) -> list[Any]:
    return _sentences(ctx, ctx.n)


def paragraph_column(f: Field, ctx: Ctx) -> list[Any]:
    counts = ctx.rng.integers(3, 7, ctx.n).tolist()
    flat = _sentences(ctx, sum(counts))
    out, pos = [], 0
    for k in counts:
        out.append(" ".join(flat[pos:pos + k]))
        pos += k
    return out


def string_column(f: Field, ctx: Ctx) -> list[Any]:
    words = vocab.words("words.txt")
    k = ctx.rng.integers(1, 4, ctx.n).tolist()
    flat = words[ctx.rng.integers(0, len(words), sum(k))].tolist()
    out, pos = [], 0
    for m in k:
        out.append(" ".join(flat[pos:pos + m]))
        pos += m
    return out
