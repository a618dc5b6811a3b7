"""CSV cells of a column as a text piece (bytes, each row's start and length), as Python's csv writes them.

Numbers are written as Python writes them (`str(int)`, `repr(float)`): one orjson call formats a
whole numpy column the same way (floats too, except below 1e-4), and each cell is read in place
between the commas orjson wrote. Booleans are true/false, instants and days come from their digits;
text cells get formula protection (adapters/sinks/formula.py) and then RFC 4180 quoting (a cell
holding `,` `"` CR or LF is quoted, quotes doubled), with numpy finding the few cells that need
Python. Vocabulary picks are turned into cells once per vocabulary value. A piece points into the
column's own buffers, so a cell's bytes are copied once, into the line. Anything else (JSON for
arrays and objects, values of makers that return lists) goes through Python one value at a time.
Nothing here imports pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson

from agentic_synth.adapters.columns.text import Piece, concat, literal, picked
from agentic_synth.adapters.columns.vectors import Days, Instants, Lists, Numbers, Picks, Texts, Vocabulary, as_list
from agentic_synth.adapters.engine.temporal_columns import iso_chars
from agentic_synth.adapters.sinks.formula import needs_protection, protect
from agentic_synth.domain.generation.records import MISSING

_QUOTED = re.compile('[,"\r\n]')
_BOOLEANS = np.frombuffer(b"truefalse", dtype=np.uint8)
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


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


def quoted_cell(value: Any, protected: bool) -> str | None:
    """One value's cell as it is written: protected, then quoted when RFC 4180 needs it."""
    text = python_cell(value, protected)
    return text if text is None or not _QUOTED.search(text) else '"' + text.replace('"', '""') + '"'


def cells(values: Sequence[Any], protected: bool) -> Piece:
    """The column's cells, protected and quoted as RFC 4180 needs (null: an empty cell)."""
    if isinstance(values, Numbers):
        return _number_cells(values.data, values.null)
    if isinstance(values, Texts):
        return text_cells(values.data, values.offsets, values.null, protected)
    if isinstance(values, Picks):
        vocab, empty = _vocabulary_cells(values.vocabulary, protected, quoted_cell)
        return _nulled(picked(*vocab.texts(), values.codes), empty[values.codes], values.null)
    if isinstance(values, Instants) and values.fmt in (None, "iso"):
        chars = iso_chars(values.seconds, np.uint8)
        if chars is not None:
            return _fixed_text(chars, chars.shape[1], values.null)
    if isinstance(values, Instants) and values.fmt in ("epoch", "epoch_ms"):
        return _number_cells(values.seconds * (1000 if values.fmt == "epoch_ms" else 1), values.null)
    if isinstance(values, Days):
        chars = iso_chars((values.ordinals - _EPOCH_ORDINAL) * 86400, np.uint8)
        if chars is not None:
            return _fixed_text(chars, 10, values.null)
    if isinstance(values, Lists) and isinstance(values.items, Picks) and values.items.null is None:
        return _picked_lists(values)
    return encoded([quoted_cell(v, protected) for v in as_list(values)])


def encoded(texts: list[str | None]) -> Piece:
    """Cells from Python strings (None: an empty cell)."""
    raw = [b"" if t is None else t.encode() for t in texts]
    lengths = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
    starts = np.zeros(len(raw), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return np.frombuffer(b"".join(raw), dtype=np.uint8), starts, lengths


def _nulled(piece: Piece, *masks: np.ndarray | None) -> Piece:
    """The piece with the cells where any mask is True emptied."""
    source, starts, lengths = piece
    for mask in masks:
        if mask is not None and mask.any():
            lengths = np.where(mask, 0, lengths)
    return source, starts, lengths


def _vocabulary_cells(vocab: Vocabulary, protected: bool, make: Any) -> tuple[Vocabulary, np.ndarray]:
    """Each vocabulary value's cell, made once: (the cells as a vocabulary, which are empty)."""
    key = ("csv", protected, make)
    if key not in vocab.derived:
        texts = [make(v, protected) for v in vocab.values.tolist()]
        vocab.derived[key] = (Vocabulary(np.array(["" if t is None else t for t in texts], dtype=object)),
                              np.array([t is None for t in texts]))
    made: tuple[Vocabulary, np.ndarray] = vocab.derived[key]
    return made


def _json_item(value: Any, protected: bool) -> str:
    return orjson.dumps(value).decode().replace('"', '""')


def _picked_lists(values: Lists) -> Piece:
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
    return _nulled((out, offsets[:-1], np.diff(offsets)), values.null)


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


def text_cells(data: np.ndarray, offsets: np.ndarray, null: np.ndarray | None, protected: bool) -> Piece:
    """Text cells: protected (rule of adapters/sinks/formula.py) and quoted, with Python only for the rare
    cells that need a change or a closer look (numpy finds them: the first byte, a literal's bytes)."""
    lengths = np.diff(offsets)
    changed: dict[int, str] = {}
    if len(data):
        starts = np.minimum(offsets[:-1], len(data) - 1)
        first = np.where(lengths > 0, data[starts], 0)
        look = _LEADS[first] & (lengths > 0)
        if null is not None:
            look &= ~null
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
        quoted = special[offsets[1:]] != special[offsets[:-1]]
        if null is not None:
            quoted &= ~null
        if quoted.any():
            raw = data.tobytes()
            for i in np.flatnonzero(quoted).tolist():
                text = changed.get(i) or raw[offsets[i]:offsets[i + 1]].decode()
                changed[i] = '"' + text.replace('"', '""') + '"'
    piece = (data, offsets[:-1], lengths)
    if changed:  # the changed cells point past the column's bytes, into their new text
        rows = np.fromiter(changed, dtype=np.int64, count=len(changed))
        new, new_starts, new_lengths = encoded(list(changed.values()))
        starts, lengths = offsets[:-1].copy(), lengths.copy()
        starts[rows], lengths[rows] = new_starts + len(data), new_lengths
        piece = (np.concatenate([data, new]), starts, lengths)
    return _nulled(piece, null)


def _fixed_text(chars: np.ndarray, width: int, null: np.ndarray | None) -> Piece:
    """The first `width` characters of each row of an n x k byte array."""
    n, stride = chars.shape
    return _nulled((chars.reshape(-1), np.arange(n, dtype=np.int64) * stride, np.full(n, width, dtype=np.int64)),
                   null)


def _number_cells(data: np.ndarray, null: np.ndarray | None) -> Piece:
    if not len(data):
        return encoded([])
    if data.dtype == np.bool_:
        return _nulled((_BOOLEANS, np.where(data, 0, 4), np.where(data, 4, 5)), null)
    if data.dtype.kind == "f":
        data = data.astype(np.float64, copy=False)  # formatted as the Python float it is read back as
        if not np.isfinite(data).all() or ((np.abs(data) < 1e-4) & (data != 0)).any():
            return encoded([None if v is None else repr(v) for v in Numbers(data, null).to_list()])
    # orjson writes int64 as str() and float64 as repr() does (these floats): "[1,-2,3.5]"
    raw = np.frombuffer(orjson.dumps(np.ascontiguousarray(data), option=orjson.OPT_SERIALIZE_NUMPY),
                        dtype=np.uint8)
    commas = np.flatnonzero(raw == 44)
    starts = np.empty(len(data), dtype=np.int64)
    starts[0], starts[1:] = 1, commas + 1
    ends = np.empty(len(data), dtype=np.int64)
    ends[:-1], ends[-1] = commas, len(raw) - 1
    return _nulled((raw, starts, ends - starts), null)
