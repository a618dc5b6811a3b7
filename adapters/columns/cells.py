"""CSV cells of a column as an Arrow string array (null = empty cell), text as Python's csv module writes it.

Numbers are written as Python writes them (`str(int)`, `repr(float)`: one orjson call for a whole
column, which formats floats the same way except below 1e-4), booleans as true/false, instants and
days from their digits; text cells get formula protection (adapters/sinks/formula.py) and then
RFC 4180 quoting (a cell holding `,` `"` CR or LF is quoted, quotes doubled), both as Arrow kernels.
Vocabulary picks are turned into cells once per vocabulary value. Anything else (JSON for arrays and
objects, values of makers that return lists) goes through Python one value at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from agentic_synth.adapters.columns.arrow import strings
from agentic_synth.adapters.columns.text import concat, literal, picked
from agentic_synth.adapters.columns.vectors import (
    Column,
    Days,
    Instants,
    Lists,
    Numbers,
    Picks,
    Texts,
    Vocabulary,
    as_list,
)
from agentic_synth.adapters.engine.temporal_columns import iso_chars
from agentic_synth.adapters.sinks.formula import needs_protection, protect
from agentic_synth.domain.generation.records import MISSING

_QUOTED = re.compile('[,"\r\n]')


def python_cell(value: Any, protected: bool) -> str | None:
    """One value's cell text, as the row writer would make it (None: an empty cell, also for a key left out)."""
    if value is None or value is MISSING:
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
    """The column's cells, protected and quoted as RFC 4180 needs (null: an empty cell)."""
    if isinstance(values, Numbers):
        return _number_cells(values)
    if isinstance(values, Texts):
        return text_cells(values.data, values.offsets, values.null, protected)
    if isinstance(values, Picks):
        vocab, empty = _vocabulary_cells(values.vocabulary, protected, _cell)
        return _picked_cells(vocab, empty, values.codes, values.null)
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
    if isinstance(values, Lists) and isinstance(values.items, Picks) and values.items.null is None:
        return _picked_lists(values)
    return pa.array([_cell(v, protected) for v in as_list(values)], pa.string())


def _cell(value: Any, protected: bool) -> str | None:
    text = python_cell(value, protected)
    return text if text is None or not _QUOTED.search(text) else '"' + text.replace('"', '""') + '"'


def _vocabulary_cells(vocab: Vocabulary, protected: bool, make: Any) -> tuple[Vocabulary, np.ndarray]:
    """Each vocabulary value's cell, made once: (the cells as a vocabulary, which are empty)."""
    key = ("csv", protected, make)
    if key not in vocab.derived:
        texts = [make(v, protected) for v in vocab.values.tolist()]
        vocab.derived[key] = (Vocabulary(np.array(["" if t is None else t for t in texts], dtype=object)),
                              np.array([t is None for t in texts]))
    made: tuple[Vocabulary, np.ndarray] = vocab.derived[key]
    return made


def _picked_cells(vocab: Vocabulary, empty: np.ndarray, codes: np.ndarray, null: np.ndarray | None) -> pa.Array:
    mask = empty[codes] if null is None else (empty[codes] | null)
    data, offsets = concat([picked(*vocab.texts(), codes)], len(codes))
    return strings(data, offsets, mask if mask.any() else None)


def _json_item(value: Any, protected: bool) -> str:
    return orjson.dumps(value).decode().replace('"', '""')


def _picked_lists(values: Lists) -> pa.Array:
    """Arrays of vocabulary picks as JSON text, quoted: `"[""a"",""b""]"` (empty: `[]`)."""
    items: Picks = values.items  # type: ignore[assignment]
    vocab, _ = _vocabulary_cells(items.vocabulary, False, _json_item)
    lengths = np.diff(values.offsets)
    first = np.zeros(len(items.codes), dtype=bool)
    first[values.offsets[:-1][lengths > 0]] = True
    data, item_offsets = concat([literal(b",", ~first), picked(*vocab.texts(), items.codes)], len(items.codes))
    bounds = item_offsets[values.offsets]
    body = (data, bounds[:-1], np.diff(bounds))
    full = lengths > 0
    out, offsets = concat([literal(b'"[', full), literal(b"[", ~full), body, literal(b']"', full),
                           literal(b"]", ~full)], len(lengths))
    return strings(out, offsets, values.null)


_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord(c) for c in ',"\r\n']] = True
_LEADS = np.zeros(256, dtype=bool)
_LEADS[[ord(c) for c in "'=@\t\r+-"]] = True
_LITERAL_BYTES = np.zeros(256, dtype=bool)
_LITERAL_BYTES[[ord(c) for c in "0123456789 ().,/:+-"]] = True
_SPACING = np.zeros(256, dtype=bool)  # a literal holding one of these is no arithmetic chain
_SPACING[[ord(c) for c in " (:,"]] = True
_SECOND = np.zeros(256, dtype=bool)
_SECOND[[ord(c) for c in "0123456789("]] = True


def text_cells(data: np.ndarray, offsets: np.ndarray, null: np.ndarray | None, protected: bool) -> pa.Array:
    """Text cells: protected (rule of adapters/sinks/formula.py) and quoted, with Python only for the rare
    cells that need a change or a closer look (numpy finds them: the first byte, a literal's bytes)."""
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    changed: dict[int, str] = {}
    if len(data):
        starts = np.minimum(offsets[:-1], len(data) - 1)
        first = np.where(lengths > 0, data[starts], 0)
        look = _LEADS[first] & (lengths > 0)
        if protected and look.any():
            sign = (first == 43) | (first == 45)
            bad = np.concatenate([[0], np.cumsum(~_LITERAL_BYTES[data])])
            second = data[np.minimum(starts + 1, len(data) - 1)]
            spaced = np.concatenate([[0], np.cumsum(_SPACING[data])])
            plain = (sign & (lengths >= 2) & _SECOND[second] & (bad[offsets[1:]] == bad[offsets[:-1]])
                     & (spaced[offsets[1:]] != spaced[offsets[:-1]]))
            raw = data.tobytes()
            for i in np.flatnonzero(look & ~plain).tolist():
                text = raw[offsets[i]:offsets[i + 1]].decode()
                if needs_protection(text):
                    changed[i] = "'" + text
        special = np.concatenate([[0], np.cumsum(_SPECIAL[data])])
        quoted = np.flatnonzero(special[offsets[1:]] != special[offsets[:-1]])
        if len(quoted):
            raw = data.tobytes()
            for i in quoted.tolist():
                text = changed.get(i) or raw[offsets[i]:offsets[i + 1]].decode()
                changed[i] = '"' + text.replace('"', '""') + '"'
    if null is not None:
        for i in [i for i in changed if null[i]]:
            del changed[i]
    if not changed:
        return strings(data, offsets, null)
    rows = np.fromiter(changed, dtype=np.int64, count=len(changed))
    new = Texts.from_strings(list(changed.values()))
    keep = np.ones(n, dtype=bool)
    keep[rows] = False
    new_starts, new_lengths = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    new_starts[rows], new_lengths[rows] = new.offsets[:-1], np.diff(new.offsets)
    out, out_offsets = concat([(data, offsets[:-1], lengths * keep), (new.data, new_starts, new_lengths)], n)
    return strings(out, out_offsets, null)


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
    if finite.all() and not tiny.any() and len(data):  # orjson writes these floats as repr() does
        raw = np.frombuffer(orjson.dumps(data.tolist()), dtype=np.uint8)[1:-1]
        commas = np.flatnonzero(raw == 44)
        offsets = np.empty(len(data) + 1, dtype=np.int64)
        offsets[0], offsets[-1] = 0, len(raw) - len(commas)
        offsets[1:-1] = commas - np.arange(len(commas))
        return strings(raw[raw != 44], offsets, values.null)
    return pa.array([None if v is None else repr(v) for v in values.to_list()], pa.string())
