"""Reading records out of a model's reply: bare arrays, wrapped arrays, fences, prose, cut-off JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON|jsonl)?\s*\n?(.*?)(?:```|\Z)", re.DOTALL)
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
        return [value]  # one record on its own
    return None


def parse_records(text: str) -> tuple[list[Any], int]:
    """The records in a reply and how many broken fragments were skipped.

    Tries, in order: the whole (unfenced) text as JSON; JSON lines; the first JSON value inside
    surrounding prose; and, for a reply cut off mid-array, every complete object before the cut.
    """
    body = _unfence(text).strip()
    try:
        found = _records_in(json.loads(body))
        if found is not None:
            return found, 0
    except ValueError:
        pass
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("{")]
    if len(lines) > 1:
        parsed = [_loads(line) for line in lines]
        good = [p for p in parsed if p is not None]
        if good:
            return good, len(parsed) - len(good)
    start = min((i for i in (body.find("["), body.find("{")) if i >= 0), default=-1)
    if start >= 0:
        try:
            value, _ = _DECODER.raw_decode(body, start)
            found = _records_in(value)
            if found is not None:
                return found, 0
        except ValueError:
            pass
    parser = ObjectStream()
    objects = parser.feed(body)
    return objects, parser.broken


def _loads(text: str) -> Any | None:
    try:
        return json.loads(text)
    except ValueError:
        return None


def parse_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in a reply (fences and prose around it allowed), or None."""
    body = _unfence(text).strip()
    start = body.find("{")
    if start < 0:
        return None
    try:
        value, _ = _DECODER.raw_decode(body, start)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class ObjectStream:
    """Incremental reader: feed text pieces, get back each record object as soon as it is complete.

    Records are the objects at the depth of the outermost array (`[{...}, {...}]` or
    `{"records": [{...}]}`); an object that does not parse is counted in `broken`.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._pos = 0
        self._depth = 0  # nesting of [ and { outside the current record
        self._record_depth: int | None = None
        self._start = -1
        self._in_string = False
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
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
                continue
            if ch == '"':
                self._in_string = True
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
                    value = _loads(buf[self._start:self._pos])
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
