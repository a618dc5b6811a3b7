"""The model servers a page's `<!-- docs-test: server ... -->` blocks run against: local fakes from tests/servers/.

`server openrouter` points OpenRouter at a fake OpenAI-compatible model (its key and base URL set in
the environment: `OPENROUTER_API_KEY`, `AGENTIC_SYNTH_OPENROUTER_BASE_URL`); `server gemini` does the
same for Gemini; `server http://HOST:PORT` starts a fake OpenAI-compatible model and, in a `file`
block, replaces that address by the fake's (a config naming your own server). `http://HOST:PORT=503`
is a server that answers every call with that HTTP status (a 429 with `Retry-After: 20`), to show
what a failing or throttled provider does. The OpenAI-compatible
fake is the realistic model of tests/servers/realistic.py at test speed: it writes records that fit
the asked schema, some calls short, as real models do. Gemini is asked with a schema that holds no
bounds (its API takes none), so the Gemini fake ignores min/max: prefer OpenRouter or your own server
for examples whose records have bounds.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.servers.base import FakeServer, RecordedRequest

KEY = "docs-test-key-0000"  # a key the fakes accept: never a real one


def _openai_compatible() -> FakeServer:
    from tests.servers.realistic import Profile, RealisticModelServer

    return RealisticModelServer(Profile(base_latency=0.004, per_record_latency=0.0002))


def _failing(status: int) -> FakeServer:
    from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply

    if not 400 <= status <= 599:
        raise ValueError(f"docs-test: server ...={status}: an HTTP error status (400..599) was expected")
    return FakeOpenAIServer(default_handler=lambda request: openai_error_reply(
        status, retry_after=20 if status == 429 else None))


def _gemini() -> FakeServer:
    """A Gemini fake whose replies are the records the realistic model would write for the same schema."""
    from tests.servers.gemini_fake import FakeGeminiServer, prompt_text
    from tests.servers.realistic import Profile, RealisticModelServer

    writer = RealisticModelServer(Profile(base_latency=0.0, per_record_latency=0.0, fenced=0.0))

    def respond(req: RecordedRequest) -> str:
        body = req.json if isinstance(req.json, dict) else {}
        schema = (body.get("generationConfig") or {}).get("responseSchema") or {}
        as_openai = {"response_format": {"type": "json_schema", "json_schema": {"schema": _lower(schema)}}}
        records = writer._records(as_openai, prompt_text(req), random.Random(prompt_text(req)))
        return json.dumps({"records": records})

    return FakeGeminiServer(responder=respond)


def _lower(schema: Any) -> Any:
    """Gemini's schema spells types in capitals (`OBJECT`); JSON Schema in lower case."""
    if isinstance(schema, dict):
        return {k: (v.lower() if k == "type" and isinstance(v, str) else _lower(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_lower(v) for v in schema]
    return schema


class FakeServers:
    """The fakes a page started, by name; each starts at its first use and stops with the page."""

    def __init__(self) -> None:
        self._running: dict[str, FakeServer] = {}

    def url(self, name: str) -> str:
        if name not in self._running:
            status = name.partition("=")[2]
            server = _gemini() if name == "gemini" else _failing(int(status)) if status else _openai_compatible()
            server.__enter__()
            self._running[name] = server
        return str(self._running[name].url)

    def variables(self, name: str) -> dict[str, str]:
        """What a block needs in its environment to reach the fake called `name`."""
        if name == "openrouter":
            return {"OPENROUTER_API_KEY": KEY, "AGENTIC_SYNTH_OPENROUTER_BASE_URL": f"{self.url(name)}/api/v1"}
        if name == "gemini":
            return {"GEMINI_API_KEY": KEY, "AGENTIC_SYNTH_GEMINI_BASE_URL": self.url(name)}
        if name.startswith(("http://", "https://")):
            self.url(name)
            return {}
        raise ValueError(f"docs-test: server {name!r}: use openrouter, gemini or the http:// address of your server")

    def rewrite(self, text: str, names: list[str]) -> str:
        """A file's text with each `server http://...` address replaced by its fake's."""
        for name in names:
            if name.startswith(("http://", "https://")):
                text = text.replace(name.partition("=")[0].rstrip("/"), self.url(name).rstrip("/"))
        return text

    def close(self) -> None:
        for server in self._running.values():
            server.__exit__(None, None, None)
        self._running.clear()
