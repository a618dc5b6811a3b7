"""A fake OpenAI-compatible server that behaves like real models do when asked for many records.

`RealisticModelServer(Profile(...))` answers chat completions by writing records that fit the
request's JSON schema (response_format), taking the per-record anchor lines of the prompt when there
are any, and misbehaving as the profile says: it returns only part of what was asked (30-70 % by
default) or at most a few records per call, wraps JSON in fences or prose, leaves trailing commas,
answers in single-quoted Python literals, cuts the reply at `max_tokens` (finish_reason "length"),
sends empty replies, repeats common names and whole records, breaks the schema now and then,
answers 429 with Retry-After or 500, and is slow sometimes. Latency is `base + per_record * records`,
and at most `slots` requests are in service at once (the others queue, as on a busy server).

Everything random is seeded from the request (its prompt and seed, and how often the same request was
seen), so a run against it can be replayed. `in_flight_mean()` and `max_in_flight` measure how well a
client keeps the slots busy.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import RecordedRequest, Reply, approx_tokens
from .openai_fake import FakeOpenAIServer, openai_error_reply, prompt_text

COMMON_FIRST = ("John", "Jane", "Michael", "Sarah", "David", "Emily", "James", "Maria", "Robert", "Linda")
COMMON_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis")
WORDS = ("quick", "solid", "value", "daily", "quiet", "bright", "simple", "sturdy", "handy", "great", "works",
         "again", "would", "buy", "recommend", "setup", "battery", "screen", "price", "delivery", "support")
ANCHOR_LINE = re.compile(r"^(\d+)\. (\{.*\})$", re.MULTILINE)
ASKED = re.compile(r"Generate (\d+) distinct")
ROWS = re.compile(r'^\{"row": (\d+)', re.MULTILINE)


@dataclass(frozen=True)
class Profile:
    """How the fake model misbehaves; the defaults are the issue's 'realistic model' (scale latency in tests)."""

    base_latency: float = 0.8
    per_record_latency: float = 0.02
    slots: int = 8
    partial: tuple[float, float] = (0.3, 0.7)  # share of the asked records a reply holds
    cap: tuple[int, int] | None = None  # at most this many records per reply (drawn per call)
    fenced: float = 0.25  # replies wrapped in a ```json fence (with prose around half of them)
    trailing_commas: float = 0.1
    python_literals: float = 0.05  # single quotes, True/False/None
    empty: float = 0.02
    repeat_record: float = 0.01  # a record of an earlier reply, again (verbatim)
    common_names: bool = True  # names from a short list of common ones (unless an anchor gives one)
    off_schema: float = 0.03  # a record with a value outside the schema
    throttle: float = 0.0  # answer 429 with Retry-After
    retry_after: float = 0.05
    server_error: float = 0.0  # answer 500
    slow: float = 0.0  # an extra `slow_latency` seconds
    slow_latency: float = 1.0
    honour_max_tokens: bool = True  # cut a reply longer than max_tokens (finish_reason "length")
    chars_per_token: int = 4


def _seeded(*parts: Any) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class RealisticModelServer(FakeOpenAIServer):
    """The realistic profile over the OpenAI wire format; see the module docstring."""

    def __init__(self, profile: Profile | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.profile = profile or Profile()
        self._slots = threading.BoundedSemaphore(self.profile.slots)
        self._stats = threading.Lock()
        self._seen: dict[str, int] = {}
        self._earlier: list[dict[str, Any]] = []
        self._busy = 0
        self.max_in_flight = 0
        self.spans: list[tuple[float, float]] = []  # (start, end) of each request's service
        self.records_sent = 0

    # --- measuring -------------------------------------------------------------------------------

    def in_flight_mean(self) -> float:
        """Requests in service on average, from the first arrival to the last answer."""
        with self._stats:
            if not self.spans:
                return 0.0
            start, end = min(s for s, _ in self.spans), max(e for _, e in self.spans)
            return sum(e - s for s, e in self.spans) / (end - start) if end > start else float(len(self.spans))

    # --- answering -------------------------------------------------------------------------------

    def route(self, req: RecordedRequest) -> Reply:
        if not (req.method == "POST" and req.path.rstrip("/").endswith("/chat/completions")):
            return super().route(req)
        body = req.json if isinstance(req.json, dict) else {}
        prompt = prompt_text(req)
        with self._stats:
            key = hashlib.sha256(f"{body.get('seed')}\x1f{prompt}".encode()).hexdigest()
            attempt = self._seen[key] = self._seen.get(key, 0) + 1
        p = self.profile
        fate = _seeded(key, attempt, "fate")
        if fate.random() < p.throttle:
            return openai_error_reply(429, retry_after=p.retry_after)
        if fate.random() < p.server_error:
            return openai_error_reply(500)
        rng = _seeded(key, "reply")
        records = self._records(body, prompt, rng)
        text = self._render(records, rng)
        finish = "stop"
        limit = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
        if p.honour_max_tokens and limit and len(text) > limit * p.chars_per_token:
            text, finish = text[: limit * p.chars_per_token], "length"
            records = records[: max(0, len(records) - 1)]
        delay = p.base_latency + p.per_record_latency * len(records) + (p.slow_latency if fate.random() < p.slow
                                                                         else 0.0)
        self._serve(delay)
        with self._stats:
            self.records_sent += len(records)
        return self.completion_reply(req, text, finish_reason=finish, completion_tokens=approx_tokens(text))

    def _serve(self, delay: float) -> None:
        """Hold one of the server's slots for `delay` seconds (a request without a free slot waits its turn)."""
        self._slots.acquire()
        started = time.monotonic()
        with self._stats:
            self._busy += 1
            self.max_in_flight = max(self.max_in_flight, self._busy)
        try:
            self._stopping.wait(delay)
        finally:
            with self._stats:
                self._busy -= 1
                self.spans.append((started, time.monotonic()))
            self._slots.release()

    def _records(self, body: Mapping[str, Any], prompt: str, rng: random.Random) -> list[dict[str, Any]]:
        p = self.profile
        if rng.random() < p.empty:
            return []
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
        item = schema.get("properties", {}).get("records", schema.get("properties", {}).get("rows", {}))
        item = item.get("items", {}) if isinstance(item, dict) else {}
        anchors = [json.loads(m.group(2)) for m in ANCHOR_LINE.finditer(prompt)]
        rows = [int(m.group(1)) for m in ROWS.finditer(prompt)]
        asked_match = ASKED.search(prompt)
        asked = int(asked_match.group(1)) if asked_match else len(rows) or 1
        share = rng.uniform(*p.partial)
        n = max(1, round(asked * share)) if asked else 0
        if p.cap is not None:
            n = min(n, rng.randint(*p.cap))
        out = []
        for k in range(n):
            if self._earlier and rng.random() < p.repeat_record:
                with self._stats:
                    out.append(dict(rng.choice(self._earlier)))
                continue
            record = self._make_record(item, rng)
            if k < len(anchors):
                record.update({key: v for key, v in anchors[k].items() if key in record})
            if rows and k < len(rows):
                record["row"] = rows[k]
            self._fill_derived(record, item)
            if rng.random() < p.off_schema:
                self._spoil(record, item, rng)
            out.append(record)
        with self._stats:
            self._earlier.extend(out[:5])
            del self._earlier[:-200]
        return out

    def _make_record(self, schema: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
        return {name: self._value(name, spec, rng) for name, spec in (schema.get("properties") or {}).items()}

    def _value(self, name: str, spec: Mapping[str, Any], rng: random.Random) -> Any:
        kinds = spec.get("type", "string")
        kind = next((k for k in kinds if k != "null"), "string") if isinstance(kinds, list) else kinds
        if "enum" in spec:
            return rng.choice(spec["enum"])
        if "const" in spec:
            return spec["const"]
        if kind == "integer":
            return rng.randint(int(spec.get("minimum", 0)), int(spec.get("maximum", 10**6)))
        if kind == "number":
            return round(rng.uniform(float(spec.get("minimum", 0)), float(spec.get("maximum", 1000))), 2)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "object":
            return self._make_record(spec, rng)
        if kind == "array":
            low, high = int(spec.get("minItems", 0)), int(spec.get("maxItems", 3))
            return [self._value(name, spec.get("items", {}), rng) for _ in range(rng.randint(low, max(low, high)))]
        return self._text(name, spec, rng)

    def _text(self, name: str, spec: Mapping[str, Any], rng: random.Random) -> str:
        fmt = spec.get("format")
        if fmt == "date-time":
            return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"
        if fmt == "date":
            return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if fmt == "uuid":
            return str(__import__("uuid").UUID(int=rng.getrandbits(128), version=4))
        if fmt == "email":
            return ""  # filled from the record's name (see _fill_derived)
        if "name" in name:
            first = rng.choice(COMMON_FIRST) if self.profile.common_names else f"P{rng.getrandbits(32):x}"
            return first if "first" in name else f"{first} {rng.choice(COMMON_LAST)}"
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        text = words[:1].upper() + words[1:] + "."
        top = spec.get("maxLength")
        return text[: int(top)] if top else text

    @staticmethod
    def _fill_derived(record: dict[str, Any], schema: Mapping[str, Any]) -> None:
        """Emails are made from the record's name, as models do (so repeated names give repeated emails)."""
        for name, spec in (schema.get("properties") or {}).items():
            if isinstance(spec, dict) and spec.get("format") == "email":
                who = next((v for k, v in record.items() if "name" in k and isinstance(v, str) and v), "user")
                record[name] = ".".join(who.lower().split()) + "@example.com"

    @staticmethod
    def _spoil(record: dict[str, Any], schema: Mapping[str, Any], rng: random.Random) -> None:
        props = schema.get("properties") or {}
        bounded = [n for n, s in props.items() if isinstance(s, dict) and ("maximum" in s or "enum" in s)]
        if bounded:
            name = rng.choice(bounded)
            spec = props[name]
            record[name] = spec["maximum"] + 1 if "maximum" in spec else "not-one-of-them"
        elif record:
            record.pop(next(iter(record)))

    def _render(self, records: list[dict[str, Any]], rng: random.Random) -> str:
        p = self.profile
        if not records and rng.random() < 0.5:
            return ""
        roll = rng.random()
        if roll < p.python_literals:
            text = repr({"records": records})
        elif roll < p.python_literals + p.trailing_commas:
            text = json.dumps({"records": records}).replace("}, {", "},  {").replace("}]", "},]")
        else:
            text = json.dumps({"records": records})
        if rng.random() < p.fenced:
            text = f"```json\n{text}\n```"
            if rng.random() < 0.5:
                text = f"Here are the records you asked for:\n{text}\nLet me know if you need more!"
        return text
