"""Reading records out of a model's reply: bare arrays, wrapped arrays, fences, prose, cut-off JSON, and (with a
repair function) what real models also send: Python literals (single quotes, True/None), trailing commas.

Strict JSON is always tried first. `repair` (injected: the json-repair library in the composition
root) is applied only to text that is whole: to each balanced object a reply holds, and to the whole
reply only when it was not cut off, so a record cut at the output limit is never completed by
guesswork. Every record is still validated field by field before it is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

Repair = Callable[[str], Any]  # lenient text -> a JSON-like value (None when nothing could be read)

_FENCE = re.compile(r"```(?:json|JSON|jsonl|python)?\s*\n?(.*?)(?:```|\Z)", re.DOTALL)
_WRAPPER_KEYS = ("records", "data", "items", "results", "rows", "values")
_DECODER = json.JSONDecoder()


def _unfence(text: str) -> str:
    match = _FENCE.search(text)
    return match.group(1) if match else text


def _records_in(value: Any) -> list[Any] | None:
    """The list of records a parsed JSON value holds, or None when it holds none."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in _WRAPPER_KEYS:
            if isinstance(value.get(key), list):
                return list(value[key])
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(value) == 1 and len(lists) == 1:
            return list(lists[0])
        return [value] if value else None  # one record on its own
    return None


def _loads(text: str, repair: Repair | None = None) -> Any | None:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
        pass
    if repair is None:
        return None
    try:
        return repair(text)
    except (ValueError, RecursionError):
        return None


def parse_records(text: str, complete: bool = True, repair: Repair | None = None) -> tuple[list[Any], int]:
    """The records in a reply and how many broken fragments were skipped.

    Tries, in order: the whole (unfenced) text as JSON; JSON lines; the first JSON value inside
    surrounding prose; every complete object of the outermost array (a reply cut off mid-array
    keeps the records before the cut); and, for a whole reply, the repaired text.
    """
    body = _unfence(text).strip()
    if not body:
        return [], 0
    try:
        found = _records_in(json.loads(body))
        if found is not None:
            return found, 0
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
        pass
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("{")]
    if len(lines) > 1:
        parsed = [_loads(line, repair) for line in lines]
        good = [p for p in parsed if isinstance(p, dict)]
        if good:
            return good, len(parsed) - len(good)
    start = min((i for i in (body.find("["), body.find("{")) if i >= 0), default=-1)
    if start >= 0:
        try:
            value, _ = _DECODER.raw_decode(body, start)
            found = _records_in(value)
            if found is not None:
                return found, 0
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
            pass
    parser = ObjectStream(repair)
    objects = parser.feed(body)
    if objects or not complete or repair is None:
        return objects, parser.broken
    found = _records_in(_loads(body[start:] if start >= 0 else body, repair))
    return (found, 0) if found else ([], parser.broken)


def parse_object(text: str, repair: Repair | None = None) -> dict[str, Any] | None:
    """The first JSON object in a reply (fences and prose around it allowed), or None."""
    body = _unfence(text).strip()
    start = body.find("{")
    if start < 0:
        return None
    try:
        value, _ = _DECODER.raw_decode(body, start)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
        value = _loads(body[start:], repair) if repair is not None else None
    return value if isinstance(value, dict) else None


class ObjectStream:
    """Incremental reader: feed text pieces, get back each record object as soon as it is complete.

    Records are the objects at the depth of the outermost array (`[{...}, {...}]` or
    `{"records": [{...}]}`); an object that does not parse (nor repair) is counted in `broken`.
    Single-quoted strings (Python literals) are followed inside the JSON, so a brace in one does
    not end a record; an apostrophe in prose around the JSON is left alone.
    """

    def __init__(self, repair: Repair | None = None) -> None:
        self._repair = repair
        self._buffer = ""
        self._pos = 0
        self._depth = 0  # nesting of [ and { outside the current record
        self._record_depth: int | None = None
        self._start = -1
        self._quote = ""  # the quote character of the string being read, or ""
        self._escaped = False
        self.broken = 0

    def feed(self, piece: str) -> list[Any]:
        self._buffer += piece
        return list(self._scan())

    def _scan(self) -> Iterator[Any]:
        buf = self._buffer
        while self._pos < len(buf):
            ch = buf[self._pos]
            self._pos += 1
            if self._quote:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == self._quote:
                    self._quote = ""
                continue
            if ch == '"' or (ch == "'" and self._depth > 0):
                self._quote = ch
            elif ch in "[{":
                if ch == "{" and self._start < 0 and self._record_depth is not None \
                        and self._depth == self._record_depth:
                    self._start = self._pos - 1
                if ch == "[" and self._record_depth is None:
                    self._record_depth = self._depth + 1
                self._depth += 1
            elif ch in "]}":
                self._depth -= 1
                if ch == "}" and self._start >= 0 and self._depth == self._record_depth:
                    value = _loads(buf[self._start:self._pos], self._repair)
                    self._start = -1
                    if isinstance(value, dict):
                        yield value
                    else:
                        self.broken += 1
        # keep memory flat: drop what has been consumed when no record is open
        if self._start < 0:
            self._buffer = ""
            self._pos = 0
        elif self._start > 0:
            self._buffer = buf[self._start:]
            self._pos -= self._start
            self._start = 0
