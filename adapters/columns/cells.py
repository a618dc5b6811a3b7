"""CSV cells of a column as an Arrow string array (null = empty cell), text as Python's csv module writes it.

Numbers are written as Python writes them (`str(int)`, `repr(float)`: one orjson call for a whole
column, which formats floats the same way except below 1e-4), booleans as true/false, instants and
days from their digits; text cells get formula protection (adapters/sinks/formula.py) and then
RFC 4180 quoting (a cell holding `,` `"` CR or LF is quoted, quotes doubled), both as Arrow kernels.
Vocabulary picks are turned into cells once per vocabulary value. Anything else (JSON for arrays and
objects, values of makers that return lists) goes through Python one value at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from agentic_synth.adapters.columns.arrow import strings
from agentic_synth.adapters.columns.text import concat, picked
from agentic_synth.adapters.columns.vectors import Column, Days, Instants, Numbers, Picks, Texts, Vocabulary, as_list
from agentic_synth.adapters.engine.temporal_columns import iso_chars
from agentic_synth.adapters.sinks.formula import LITERAL, SIGNED, TRIGGER, protect

_NEEDS_QUOTES = '[,"\r\n]'


def python_cell(value: Any, protected: bool) -> str | None:
    """One value's cell text, as the row writer would make it (None: an empty cell)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | dict):
        value = orjson.dumps(value).decode()
    text = str(value)
    return protect(text) if protected else text


def cells(values: Sequence[Any], protected: bool) -> pa.Array:
    """The column's cells, quoted where RFC 4180 needs it."""
    return quote(_unquoted(values, protected))


def _unquoted(values: Sequence[Any], protected: bool) -> pa.Array:
    if isinstance(values, Numbers):
        return _number_cells(values)
    if isinstance(values, Texts):
        text = strings(values.data, values.offsets, values.null)
        return protect_cells(text) if protected else text
    if isinstance(values, Picks):
        made = values.vocabulary.derived.get(("csv", protected))
        if made is None:  # each vocabulary value's cell, once
            texts = [python_cell(v, protected) for v in values.vocabulary.values.tolist()]
            made = values.vocabulary.derived[("csv", protected)] = (
                Vocabulary(np.array(["" if t is None else t for t in texts], dtype=object)),
                np.array([t is None for t in texts]))
        vocab, empty = made
        null = empty[values.codes]
        mask = null if values.null is None else (null | values.null)
        data, offsets = concat([picked(*vocab.texts(), values.codes)], len(values.codes))
        return strings(data, offsets, mask if mask.any() else None)
    if isinstance(values, Instants) and values.fmt in (None, "iso"):
        chars = iso_chars(values.seconds)
        if chars is not None:
            return _fixed_text(chars, values)
    if isinstance(values, Instants) and values.fmt in ("epoch", "epoch_ms"):
        return _number_cells(Numbers(values.seconds * (1000 if values.fmt == "epoch_ms" else 1), values.null))
    if isinstance(values, Days):
        chars = iso_chars((values.ordinals - 719163) * 86400)
        if chars is not None:
            return _fixed_text(chars[:, :10], values)
    return pa.array([python_cell(v, protected) for v in as_list(values)], pa.string())


def _fixed_text(chars: np.ndarray, column: Column) -> pa.Array:
    n, width = chars.shape
    data = np.ascontiguousarray(chars.astype(np.uint8)).reshape(-1)
    return strings(data, np.arange(0, n * width + 1, width, dtype=np.int64), column.null)


def _number_cells(values: Numbers) -> pa.Array:
    data = values.data
    if data.dtype == np.bool_:
        return pc.if_else(pa.array(data, mask=values.null), "true", "false")
    if data.dtype.kind in "iu":
        return pc.cast(pa.array(data, mask=values.null), pa.string())
    finite = np.isfinite(data)
    tiny = (np.abs(data) < 1e-4) & (data != 0)
    if finite.all() and not tiny.any() and len(data):
        text = orjson.dumps(data.tolist())
        raw = np.frombuffer(text, dtype=np.uint8)[1:-1]
        commas = np.flatnonzero(raw == 44)
        offsets = np.empty(len(data) + 1, dtype=np.int64)
        offsets[0], offsets[-1] = 0, len(raw) - len(commas)
        offsets[1:-1] = commas - np.arange(len(commas))
        return strings(raw[raw != 44], offsets, values.null)
    return pa.array([None if v is None else repr(v) for v in values.to_list()], pa.string())


def protect_cells(text: pa.Array) -> pa.Array:
    """Formula protection (the rule of adapters/sinks/formula.py) on a string array."""
    if len(text) == 0:
        return text
    risky = pc.or_(pc.match_substring_regex(text, TRIGGER),
                   pc.and_(pc.match_substring_regex(text, SIGNED),
                           pc.invert(pc.match_substring_regex(text, LITERAL))))
    if not pc.any(risky).as_py():
        return text
    return pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)


def quote(text: pa.Array) -> pa.Array:
    """RFC 4180 quoting where a cell needs it (what csv.QUOTE_MINIMAL does)."""
    if len(text) == 0:
        return text
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return text
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, text)
