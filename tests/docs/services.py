"""The real servers a page's `<!-- docs-test: service ... -->` blocks use: Redis, NATS, PostgreSQL, an ingest endpoint.

`service redis` (or `nats`, `postgres`) gives the block the server the test suite uses (tests/services.py,
tests/postgres_server.py: started by tools/services/*.sh), and the block's address for that scheme
(`redis://127.0.0.1:6379`, `nats://127.0.0.1:4222`, a `postgresql://...` URL) is replaced by the real
server's. Where the server cannot be had (its binary not installed, no PostgreSQL URL), the block is not
run and the page says so; with AGENTIC_SYNTH_REQUIRE_<NAME>=1 (as .ci/run sets) that is a failure instead.
`service http://HOST:PORT` is a local endpoint that takes every POST (204), standing in for an ingest API.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.servers.base import FakeServer, Reply

SCHEMES = {"redis": re.compile(r"redis://[^/\s'\"]+"), "nats": re.compile(r"nats://[^/\s'\"]+"),
           "postgres": re.compile(r"postgresql://[^\s'\"]+")}


class Unavailable(Exception):
    """The service cannot be had here (the reason says why); the block is not run."""


class Services:
    """The services a page asked for; `fixture(name)` is pytest's `request.getfixturevalue`."""

    def __init__(self, fixture: Callable[[str], str]) -> None:
        self._fixture = fixture
        self._urls: dict[str, str] = {}
        self._endpoints: dict[str, FakeServer] = {}

    def url(self, name: str) -> str:
        if name.startswith(("http://", "https://")):
            if name not in self._endpoints:
                server = FakeServer(default_handler=lambda request: Reply(status=204))
                server.__enter__()
                self._endpoints[name] = server
            return str(self._endpoints[name].url)
        if name not in SCHEMES:
            raise ValueError(f"docs-test: service {name!r}: use redis, nats, postgres or an http:// address")
        if name not in self._urls:
            try:
                self._urls[name] = self._fixture(f"{name}_url")
            except pytest.skip.Exception as skipped:
                raise Unavailable(str(skipped.msg)) from None
        return self._urls[name]

    def rewrite(self, text: str, names: list[str]) -> str:
        """The block's text with each named service's address replaced by the real one."""
        for name in names:
            url = self.url(name)
            if name in SCHEMES:
                found = SCHEMES[name].match(url)
                address = url if name == "postgres" or found is None else found[0]
                text = SCHEMES[name].sub(lambda _, to=address: to, text)
            else:
                text = text.replace(name.rstrip("/"), url.rstrip("/"))
        return text

    def close(self) -> None:
        for server in self._endpoints.values():
            server.__exit__(None, None, None)
        self._endpoints.clear()
