"""Helpers of the AI-stack e2e tests: a record-writing responder for the fake servers, config files, readers."""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentic_synth.adapters.readers import read_records
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from tests.servers.base import RecordedRequest, approx_tokens
from tests.servers.gemini_fake import prompt_text as gemini_prompt
from tests.servers.openai_fake import prompt_text as openai_prompt

SCHEMA = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}, "title": "sentence",
          "stars": {"type": "integer", "min": 1, "max": 5}}
WANTED = re.compile(r"Generate (\d+) distinct")


def asked(prompt: str) -> int | None:
    """How many records a records prompt asks for (None for a hybrid plan call)."""
    found = WANTED.search(prompt)
    return int(found.group(1)) if found else None


class Writer:
    """A fake model that writes as many valid records as asked, with ids unique across calls.

    `twist(rows, call_no)` may spoil a reply (invalid or duplicate records); every reply text is kept
    in `replies`, keyed by the request, so a test can price what the server reported.
    """

    def __init__(self, prompt_of: Callable[[RecordedRequest], str] = openai_prompt,
                 twist: Callable[[list[dict[str, Any]], int], list[dict[str, Any]]] | None = None) -> None:
        self.prompt_of, self.twist = prompt_of, twist
        self.ids, self.calls = itertools.count(1), itertools.count()
        self.lock = threading.Lock()
        self.replies: list[tuple[str, str]] = []  # (prompt, reply text)

    def __call__(self, request: RecordedRequest) -> str:
        prompt = self.prompt_of(request)
        wanted = asked(prompt)
        with self.lock:
            if wanted is None:  # a hybrid plan: a value pool or parameters
                text = json.dumps({"values": ["Solid and quiet.", "Stopped after a week."], "fields": {}})
            else:
                rows = [{"id": next(self.ids), "title": "Good value.", "stars": 4} for _ in range(wanted)]
                rows = self.twist(rows, next(self.calls)) if self.twist else rows
                text = json.dumps(rows)
            self.replies.append((prompt, text))
        return text

    def spend(self, input_per_mtok: float, output_per_mtok: float) -> float:
        """USD of every reply at these prices, from the usage the fake server reported (~4 chars a token)."""
        return sum(approx_tokens(p) * input_per_mtok + approx_tokens(t) * output_per_mtok
                   for p, t in self.replies) / 1e6


def gemini_writer(**kw: Any) -> Writer:
    return Writer(gemini_prompt, **kw)


def write_config(path: Path, payload: dict[str, Any]) -> str:
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def valid_rows(path: Path, schema: dict[str, Any] = SCHEMA) -> list[dict[str, Any]]:
    """The records of an output file (any format), each checked against the schema."""
    parsed = Schema.from_payload(schema)
    rows = list(read_records(str(path), parsed))
    assert all(validate_record(row, parsed) == [] for row in rows), rows
    return rows
