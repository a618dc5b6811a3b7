"""A fault-injecting OpenAI-compatible server: valid records, except for the misbehaviour each call draws.

`FaultyModelServer(faults)` answers the n-th chat completion with `faults[n]` (then "ok"): every fault
a hostile user saw real or broken servers commit, over the real wire format (JSON, or SSE when the
request streams). It keeps its own bill the way a provider does: every attempt that reached
generation is billed its prompt and the text it generated (~4 characters a token), whether or not
the client got the reply (a reset connection, a cut stream); an answer with an error status is not
billed. `billed_usd(prices)` is what a client that reports its spend honestly must never report less
than, and a budget must never be below.

Records follow `RECORD_SCHEMA` (ids unique across calls); "hostile_text" fills the free-text field
with terminal escapes, control characters, NULs, a lone surrogate and markup.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Sequence
from typing import Any

from .base import RecordedRequest, Reply, approx_tokens
from .openai_fake import FakeOpenAIServer, completion_body, openai_error_reply, prompt_text

RECORD_SCHEMA = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**9}, "title": "sentence",
                 "stars": {"type": "integer", "min": 1, "max": 5}}
HOSTILE_TITLES = (
    "Fine\x1b]0;pwned\x07 product.",  # OSC: sets the terminal's title
    "Red \x1b[31malert\x1b[0m here.",  # CSI colours
    "Nul\x00 inside.",
    "Lone \udc80 surrogate.",
    "Bell\x07 and backspace\x08\x08 tricks.",
    "<script>alert(1)</script> markup.",
    "Right-to-left \u202eevil\u202c override.",
    "Carriage\r return overwrite.",
    "\x1bP+q\x1b\\ device control string.",
)
# Each fault: what the server does with one call.
FAULTS = (
    "ok", "usage_negative", "usage_huge", "usage_text", "usage_missing", "usage_float",
    "drop", "reset_body", "cut_stream", "throttle", "server_error", "overloaded", "forbidden",
    "hostile_text", "error_escape", "invalid_json", "length", "slow", "empty",
)
BILLED_FAULTS = frozenset(FAULTS) - {"throttle", "server_error", "overloaded", "forbidden", "error_escape"}
ASKED = re.compile(r"Generate (\d+) distinct")


class FaultyModelServer(FakeOpenAIServer):
    """Plays `faults` in call order (then answers normally); see the module docstring."""

    def __init__(self, faults: Sequence[str] = (), *, slow_s: float = 0.2, **kw: Any) -> None:
        super().__init__(**kw)
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        self.faults = list(faults)
        self.slow_s = slow_s
        self._calls = itertools.count()
        self._ids = itertools.count(1)
        self._bill_lock = threading.Lock()
        self.bill: list[tuple[str, int, int]] = []  # (fault, tokens in, tokens out) of each billed attempt
        self.played: list[str] = []

    # --- the bill ---------------------------------------------------------------------------------

    def billed_tokens(self) -> tuple[int, int]:
        with self._bill_lock:
            return sum(b[1] for b in self.bill), sum(b[2] for b in self.bill)

    def billed_usd(self, input_per_mtok: float, output_per_mtok: float) -> float:
        tokens_in, tokens_out = self.billed_tokens()
        return (tokens_in * input_per_mtok + tokens_out * output_per_mtok) / 1e6

    def _billed(self, fault: str, req: RecordedRequest, text: str) -> tuple[int, int]:
        usage = approx_tokens(prompt_text(req)), approx_tokens(text)
        with self._bill_lock:
            self.bill.append((fault, *usage))
        return usage

    # --- answering --------------------------------------------------------------------------------

    def route(self, req: RecordedRequest) -> Reply:
        if not (req.method == "POST" and req.path.rstrip("/").endswith("/chat/completions")):
            return super().route(req)
        index = next(self._calls)
        with self._bill_lock:
            fault = self.faults[index] if index < len(self.faults) else "ok"
            self.played.append(fault)
        streaming = bool((req.json or {}).get("stream"))
        if fault == "throttle":
            return openai_error_reply(429, retry_after=0)
        if fault in ("server_error", "overloaded"):
            return openai_error_reply(500 if fault == "server_error" else 503, retry_after=0)
        if fault == "forbidden":
            return openai_error_reply(403)
        if fault == "error_escape":
            return openai_error_reply(400, "bad \x1b]0;pwned\x07\x1b[2J request \x00 sk-or-v1-" + "a" * 40)
        text = self._records_text(req, hostile=fault == "hostile_text", empty=fault == "empty")
        finish = "stop"
        if fault == "length":
            text, finish = text[: len(text) // 2], "length"
        if fault == "invalid_json":
            body = b'{"id": "x", "choices": [\xff\xfe'
            self._billed(fault, req, text)
            return Reply(body=body, content_type="application/json")
        tokens_in, tokens_out = self._billed(fault, req, text)
        usage: Any = {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out}
        if fault == "usage_negative":
            usage = {"prompt_tokens": -tokens_in * 1000, "completion_tokens": -5, "total_tokens": -1}
        elif fault == "usage_huge":
            usage = {"prompt_tokens": 10**12, "completion_tokens": 10**12, "total_tokens": 2 * 10**12}
        elif fault == "usage_text":
            usage = {"prompt_tokens": "many", "completion_tokens": [tokens_out], "total_tokens": None}
        elif fault == "usage_float":
            usage = {"prompt_tokens": 1e300, "completion_tokens": float("nan"), "total_tokens": 0.5}
        elif fault == "usage_missing":
            usage = None
        extra = {"delay": self.slow_s} if fault == "slow" else {}
        if streaming:
            return self._stream_reply(req, text, finish, usage, cut=fault in ("cut_stream", "drop", "reset_body"),
                                      **extra)
        if fault == "drop":
            return Reply(drop=True)
        body = completion_body(text, model=(req.json or {}).get("model") or "m", finish_reason=finish)
        body["usage"] = usage
        return Reply(body=json.dumps(body, ensure_ascii=True), content_type="application/json",
                     truncate=fault in ("reset_body", "cut_stream"), **extra)

    def _records_text(self, req: RecordedRequest, *, hostile: bool, empty: bool) -> str:
        if empty:
            return ""
        found = ASKED.search(prompt_text(req))
        wanted = int(found.group(1)) if found else 1
        with self._bill_lock:
            ids = [next(self._ids) for _ in range(wanted)]
        rows = [{"id": i, "title": HOSTILE_TITLES[i % len(HOSTILE_TITLES)] if hostile else "Good value.",
                 "stars": 1 + i % 5} for i in ids]
        return json.dumps({"records": rows}, ensure_ascii=True)  # a lone surrogate can only travel escaped

    def _stream_reply(self, req: RecordedRequest, text: str, finish: str, usage: Any, *, cut: bool,
                      **reply_kw: Any) -> Reply:
        model = (req.json or {}).get("model") or "m"
        pieces = [text[i:i + 40] for i in range(0, len(text), 40)] or [""]
        chunks = [{"id": "chatcmpl-faulty", "object": "chat.completion.chunk", "created": 1, "model": model,
                   "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
        chunks.append({"id": "chatcmpl-faulty", "object": "chat.completion.chunk", "created": 1, "model": model,
                       "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if (req.json or {}).get("stream_options", {}).get("include_usage"):
            chunks.append({"id": "chatcmpl-faulty", "object": "chat.completion.chunk", "created": 1, "model": model,
                           "choices": [], "usage": usage})
        events = [f"data: {json.dumps(c, ensure_ascii=True)}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]
        return Reply(chunks=events, content_type="text/event-stream; charset=utf-8", truncate=cut, **reply_kw)
