"""Model output is data: free text is cleaned of what terminals and parsers act on; anything else with it is refused.

What a model writes reaches files, terminals and spreadsheets, so before a record is validated:
- free-text fields (sentences, names, addresses, plain strings) lose terminal escape sequences
  (CSI, OSC, DCS...), control characters other than tab and newline, NULs, bidirectional overrides,
  lone surrogates (text that cannot be written as UTF-8) and HTML/XML tags; the cleaned text is then
  validated as usual (length, pattern);
- every other string (emails, URLs, UUIDs, dates, enum values, tokens...) must hold none of them: a
  record whose such value does is refused, since cleaning it would make up a different value;
- whole numbers outside 64 bits (no output format holds them) are refused too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.schema.schema import Field, Schema
from agentic_synth.domain.schema.types import TEXTUAL_TYPES

FREE_TEXT_TYPES = TEXTUAL_TYPES - {"token", "username"}
INT64 = (-(2**63), 2**63 - 1)
# ESC-introduced sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC strings (to BEL or ESC \),
# and two-character escapes; the 8-bit forms (C1 controls) go with the other control characters.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_UNSAFE = re.compile(_CONTROL.pattern + "|\x1b")


def clean_text(text: str) -> str:
    """Free text without escape sequences, control characters (tab and newline stay), bidi overrides,
    lone surrogates and tags; `\\r\\n` becomes `\\n`."""
    text = _ESCAPE.sub("", text.replace("\r\n", "\n"))
    return _TAG.sub("", _CONTROL.sub("", text))


def is_clean(text: str) -> bool:
    """No control character, escape, bidi override or lone surrogate (tab and newline allowed)."""
    return _UNSAFE.search(text) is None


def _clean_value(value: Any, f: Field) -> tuple[bool, Any]:
    """(acceptable, the value to keep)."""
    if isinstance(value, str):
        if f.type in FREE_TEXT_TYPES:
            return True, clean_text(value)
        return is_clean(value), value
    if isinstance(value, Mapping) and f.type == "object":
        cleaned = clean_record(value, f.fields)
        return cleaned is not None, cleaned
    if isinstance(value, list) and f.type == "array" and f.items is not None:
        out = []
        for item in value:
            ok, kept = _clean_value(item, f.items)
            if not ok:
                return False, value
            out.append(kept)
        return True, out
    if isinstance(value, int) and not isinstance(value, bool):
        return INT64[0] <= value <= INT64[1], value  # a number no writer can store is refused
    return True, value


def clean_record(record: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, Any] | None:
    """The record with its free text cleaned, or None when another value holds unsafe text.

    Keys that are not fields of the schema are left as they are (validation refuses them).
    """
    by_name = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for key, value in record.items():
        f = by_name.get(key) if isinstance(key, str) else None
        if f is None:
            out[key] = value
            continue
        ok, kept = _clean_value(value, f)
        if not ok:
            return None
        out[key] = kept
    return out


def clean_model_record(record: Any, schema: Schema) -> Any | None:
    """A record as a model wrote it, made safe to keep (see the module docstring); None when it is refused."""
    if not isinstance(record, Mapping):
        return record  # not a record at all: validation refuses it
    return clean_record(record, schema.fields)
