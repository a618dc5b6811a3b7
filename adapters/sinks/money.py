"""Money in text formats: an `amount` field is written with its decimals (`1341.50`, not `1341.5`).

JSON and JSON Lines get the digits as a JSON number (an orjson Fragment: `"balance":1341.50` still
reads back as the float 1341.5 everywhere), CSV gets them as the cell. Parquet keeps float64, and the
records in memory (`result.records`) stay floats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from agentic_synth.adapters.columns.vectors import as_list
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

MONEY_TYPES = ("amount",)
DEFAULT_DECIMALS = 2


def money_columns(schema: Schema) -> dict[str, int]:
    """Top-level money fields and their decimals (the field's `precision`, else two)."""
    return {f.name: DEFAULT_DECIMALS if f.precision is None else f.precision
            for f in schema.fields if f.type in MONEY_TYPES}


def _digits(value: Any, decimals: int) -> bytes | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return b"%.*f" % (decimals, value)


def money_texts(values: Sequence[Any], decimals: int) -> list[str | None] | None:
    """Each value's text with `decimals` digits after the point, None for a null; None for the whole
    column when it holds something else than numbers (a model's odd value: write its cells as usual)."""
    plain = as_list(values)
    form = f"%.{decimals}f"
    try:  # the engine's amounts and parsed JSON numbers are finite floats: one pass
        return [form % v for v in plain]
    except TypeError:
        digits = [None if v is None else _digits(v, decimals) for v in plain]
        if any(d is None and v is not None for d, v in zip(digits, plain, strict=True)):
            return None
        return [None if d is None else d.decode() for d in digits]


def json_money(values: Sequence[Any], decimals: int) -> list[Any]:
    """The values as JSON numbers with `decimals` digits (orjson Fragments); anything else as it is."""
    plain = as_list(values)
    form = b"%%.%df" % decimals
    try:  # the engine's amounts and parsed JSON numbers are finite floats: one pass
        return [orjson.Fragment(form % v) for v in plain]
    except TypeError:  # a null, or a model's odd value: one by one
        return _mixed(plain, decimals)


def _mixed(values: list[Any], decimals: int) -> list[Any]:
    return [orjson.Fragment(digits) if (digits := _digits(v, decimals)) is not None else v for v in values]


def with_money(chunk: RecordChunk, money: Mapping[str, int]) -> RecordChunk:
    """The chunk with its money columns as JSON numbers of fixed decimals, for the JSON encoders."""
    if not money:
        return chunk
    columns = dict(chunk.columns)
    for name, decimals in money.items():
        if name in columns:
            columns[name] = json_money(columns[name], decimals)
    return RecordChunk(columns=columns, length=chunk.length)
