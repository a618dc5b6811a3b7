"""StreamTarget: a `--stream-to` URL (redis://, nats://, http(s)://) parsed once, with its options and a safe label."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import attrs

from agentic_synth.domain.errors import UsageError

URL_SCHEMES = ("redis", "rediss", "nats", "http", "https")
DEFAULT_PORTS = {"redis": 6379, "rediss": 6379, "nats": 4222, "http": 80, "https": 443}
DEFAULT_BATCH = 500
# NATS: records published before their acks are awaited (acks are cheap to wait for in bulk, dear one by one)
NATS_BATCH = 10_000
# Options our own schemes take in the query string; an http(s) URL's query belongs to its server.
SCHEME_OPTIONS = {"redis": ("maxlen", "batch"), "rediss": ("maxlen", "batch"), "nats": ("stream", "batch")}
_SUBJECT = re.compile(r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$")
_STREAM_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


def is_stream_url(spec: str) -> bool:
    """Does `--stream-to` name a URL target (scheme://...) rather than NAME[:TARGET]?"""
    scheme, sep, _ = str(spec).partition("://")
    return bool(sep) and scheme.lower() in URL_SCHEMES


@attrs.frozen
class StreamTarget:
    """Where a URL stream pipeline sends records.

    `name` is the Redis stream key or the NATS subject (empty for http). `maxlen` caps a Redis
    stream (approximate trimming), `stream` names the JetStream stream to use or create, and
    `batch` is the number of records per round trip (per POST for http).
    """

    scheme: str
    host: str
    port: int
    name: str
    url: str
    username: str | None = attrs.field(default=None, repr=False)
    password: str | None = attrs.field(default=None, repr=False)
    maxlen: int | None = None
    stream: str | None = None
    batch: int = DEFAULT_BATCH

    @classmethod
    def from_spec(cls, spec: str) -> StreamTarget:
        """Parse `redis://[:PASSWORD@]HOST[:PORT]/STREAM[?maxlen=N&batch=N]`, `nats://HOST[:PORT]/SUBJECT
        [?stream=NAME&batch=N]` or `http(s)://HOST[:PORT]/PATH` (errors name the flag and the part)."""
        where = f"--stream-to {redact_url(spec)}"
        try:
            parts = urlsplit(spec)
            port = parts.port
        except ValueError as exc:
            raise UsageError(f"{where}: {exc}") from None
        scheme = parts.scheme.lower()
        if scheme not in URL_SCHEMES:
            raise UsageError(f"{where}: unknown scheme '{parts.scheme}' (use {', '.join(URL_SCHEMES)})")
        if not parts.hostname:
            raise UsageError(f"{where}: the URL has no host")
        options = _options(parts.query, scheme, where)
        name = parts.path.lstrip("/")
        if scheme in ("redis", "rediss") and not name:
            raise UsageError(f"{where}: name the stream key: redis://HOST:PORT/STREAM")
        if scheme == "nats" and not _SUBJECT.match(name):
            raise UsageError(f"{where}: name a subject of letters, digits, '_', '-' and dots: nats://HOST:PORT/SUBJECT")
        if options.get("stream") is not None and not _STREAM_NAME.match(options["stream"]):
            raise UsageError(f"{where}: stream: '{options['stream']}' must be 1-64 letters, digits, '_' or '-'")
        url = spec if scheme in ("http", "https") else urlunsplit((scheme, _netloc(parts.hostname, port), "", "", ""))
        return cls(scheme=scheme, host=parts.hostname, port=port or DEFAULT_PORTS[scheme], name=name, url=url,
                   username=parts.username, password=parts.password, maxlen=options.get("maxlen"),
                   stream=options.get("stream"),
                   batch=options.get("batch", NATS_BATCH if scheme == "nats" else DEFAULT_BATCH))

    @property
    def label(self) -> str:
        """The target as it may be shown: no password, no query string of an http URL."""
        if self.scheme in ("http", "https"):
            return redact_url(self.url)
        return f"{self.scheme}://{_netloc(self.host, self.port)}/{self.name}"


def redact_url(url: str) -> str:
    """`url` without credentials (`user:pass@` becomes `***@`) and without its query string (tokens live there)."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def _options(query: str, scheme: str, where: str) -> dict[str, Any]:
    if scheme in ("http", "https"):
        return {}
    allowed = SCHEME_OPTIONS[scheme]
    out: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in allowed:
            raise UsageError(f"{where}: unknown option '{key}' (known: {', '.join(allowed)})")
        if key in ("maxlen", "batch"):
            if not value.isdigit() or int(value) < 1:
                raise UsageError(f"{where}: {key} must be a whole number >= 1, got '{value}'")
            out[key] = int(value)
        else:
            out[key] = value
    return out
