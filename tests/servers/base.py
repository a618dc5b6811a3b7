"""Reusable fake HTTP/1.1 server for integration tests (standard library only).

A :class:`FakeServer` listens on ``127.0.0.1`` on an ephemeral port, in a
background thread, records every request it receives and answers either
from a queue of scripted :class:`Reply` objects (consumed in order) or, when
the queue is empty, from a default handler.

Typical use::

    with FakeServer() as server:
        server.push(Reply(status=429, json={"error": "slow down"},
                          headers={"Retry-After": "0.01"}))
        server.push(Reply(json={"ok": True}))
        ...  # drive a real client against server.url
        assert len(server.requests) == 2

Streaming replies are sent with ``Transfer-Encoding: chunked``; every element
of :attr:`Reply.chunks` is written (and flushed) as one HTTP chunk.
Non-streaming replies carry a ``Content-Length``.  Connections are kept alive
(HTTP/1.1) so pooled clients such as httpx and requests behave as they do
against the real services.
"""

from __future__ import annotations

import contextlib
import json as _json
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "FakeServer",
    "RecordedRequest",
    "Reply",
    "ReplyFactory",
    "approx_tokens",
    "json_reply",
    "sse_event",
    "sse_reply",
]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received by a :class:`FakeServer`."""

    method: str
    path: str  # path without the query string, e.g. "/v1/chat/completions"
    query: dict[str, str]  # decoded query parameters (last value wins)
    headers: dict[str, str]  # header names lower-cased
    body: bytes
    json: Any  # parsed JSON body, or None when the body is empty / not JSON
    raw_path: str = ""  # path exactly as sent, including the query string
    received_at: float = 0.0  # time.monotonic() when the request was complete

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass
class Reply:
    """A scripted answer.

    Exactly one of ``json`` / ``body`` / ``chunks`` is normally given:

    * ``json``: serialised with ``json.dumps``; content type ``application/json``.
    * ``body``: raw bytes (or str, encoded as UTF-8) sent with Content-Length.
    * ``chunks``: a streamed body sent with ``Transfer-Encoding: chunked``;
      each element becomes one HTTP chunk (flushed, optionally separated by
      ``chunk_delay`` seconds).

    Behaviour switches:

    * ``delay``: seconds to wait before sending anything (simulates a slow
      server / client timeout).  Interrupted promptly by ``FakeServer.stop()``.
    * ``drop``: read the request, then close the connection without sending a
      single byte of response.
    * ``truncate``: start answering, then close the connection midway: for
      ``chunks`` only the first half of the chunks is sent and the terminating
      zero-length chunk is never written; for a plain body the full
      Content-Length is announced but only half of the bytes are sent.
    """

    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    chunks: Sequence[bytes | str] | None = None
    chunk_delay: float = 0.0
    content_type: str | None = None

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body.encode("utf-8") if isinstance(self.body, str) else bytes(self.body)
        if self.json is not None:
            return _json.dumps(self.json).encode("utf-8")
        return b""

    def resolved_content_type(self) -> str | None:
        if self.content_type:
            return self.content_type
        if self.chunks is not None:
            return None
        if self.body is None and self.json is not None:
            return "application/json"
        return None


ReplyFactory = Callable[[RecordedRequest], Reply]
QueueItem = Reply | ReplyFactory
Matcher = None | str | Callable[[RecordedRequest], bool]


def json_reply(data: Any, status: int = 200, headers: Mapping[str, str] | None = None, **kw: Any) -> Reply:
    return Reply(status=status, json=data, headers=dict(headers or {}), **kw)


def sse_event(data: Any, event: str | None = None) -> bytes:
    """Encode one server-sent event (``data`` is JSON-encoded unless str)."""
    text = data if isinstance(data, str) else _json.dumps(data)
    out = ""
    if event:
        out += f"event: {event}\n"
    for line in text.split("\n"):
        out += f"data: {line}\n"
    return (out + "\n").encode("utf-8")


def sse_reply(
    events: Iterable[bytes], *, status: int = 200, headers: Mapping[str, str] | None = None, **kw: Any
) -> Reply:
    kw.setdefault("content_type", "text/event-stream; charset=utf-8")
    return Reply(status=status, chunks=list(events), headers=dict(headers or {}), **kw)


def approx_tokens(text: str) -> int:
    """Cheap, deterministic token estimate (~4 characters per token, min 1)."""
    return max(1, (len(text) + 3) // 4) if text else 0


def _matches(matcher: Matcher, req: RecordedRequest) -> bool:
    if matcher is None:
        return True
    if isinstance(matcher, str):
        return matcher in req.path
    return bool(matcher(req))


class _Abort(Exception):
    """Internal: the connection has been torn down on purpose."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeProviderServer/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are dropped after this
    disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stalls
    fake: FakeServer  # set on the per-server subclass

    # -- plumbing -------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- request --------------------------------------------------------
    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            parts = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers until blank line
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after chunk
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        split = urlsplit(self.path)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        parsed: Any = None
        if body:
            try:
                parsed = _json.loads(body)
            except ValueError:
                parsed = None
        req = RecordedRequest(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=headers,
            body=body,
            json=parsed,
            raw_path=self.path,
            received_at=time.monotonic(),
        )
        self.fake._record(req)
        try:
            reply = self.fake._dispatch(req)
        except Exception:  # a broken handler must be visible, not a hang
            tb = traceback.format_exc()
            self.fake._errors_append(tb)
            reply = Reply(status=500, body=tb, content_type="text/plain; charset=utf-8")
        try:
            self._send(reply)
        except _Abort:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):  # client went away
            self.close_connection = True

    # -- response -------------------------------------------------------
    def _abort(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Abort()

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.fake._stopping.wait(seconds):
            self._abort()

    def _send(self, reply: Reply) -> None:
        self._wait(reply.delay)
        if reply.drop:
            self._abort()
        self.send_response(reply.status)
        ctype = reply.resolved_content_type()
        user_headers = {k.lower() for k in reply.headers}
        if ctype and "content-type" not in user_headers:
            self.send_header("Content-Type", ctype)
        for name, value in reply.headers.items():
            self.send_header(name, str(value))

        if reply.chunks is not None:
            self.send_header("Transfer-Encoding", "chunked")
            if "cache-control" not in user_headers:
                self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            chunks = [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in reply.chunks]
            cut = None
            if reply.truncate:
                if len(chunks) >= 2:
                    chunks, cut = chunks[: len(chunks) // 2], b""
                elif chunks:
                    half = max(1, len(chunks[0]) // 2)
                    chunks, cut = [], chunks[0][:half]
                else:
                    cut = b""
            for i, chunk in enumerate(chunks):
                if i and reply.chunk_delay:
                    self._wait(reply.chunk_delay)
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
            if cut is not None:
                if cut:  # announce a chunk, send only part of it
                    self.wfile.write(b"%x\r\n%s" % (len(cut) * 2, cut))
                    self.wfile.flush()
                self._abort()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return

        payload = reply.payload()
        if self.command == "HEAD" or reply.status in (204, 304) or reply.status < 200:
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if reply.truncate:
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self._abort()
        self.wfile.write(payload)
        self.wfile.flush()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # default 5 drops SYNs under concurrent tests (1 s retransmit)
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, _Abort)):  # client hung up / reset: normal in tests
            return
        self.fake._errors_append(traceback.format_exc())


class FakeServer:
    """Threaded HTTP/1.1 server on 127.0.0.1 with request recording and scripted replies.

    Public API:

    * ``start()`` / ``stop()``; also usable as a context manager.
    * ``url``: ``"http://127.0.0.1:PORT"``; ``host``, ``port``.
    * ``requests``: snapshot list of :class:`RecordedRequest` (thread-safe).
    * ``push(reply_or_factory, when=None)``: queue a :class:`Reply` or a
      callable ``(RecordedRequest) -> Reply``; queued items are consumed in
      order.  ``when`` restricts an item to requests whose path contains the
      given string (or for which the given predicate is true).
    * ``default_handler``: callable ``(RecordedRequest) -> Reply`` used when no
      queued item applies; when None, :meth:`route` (the subclass's built-in
      behaviour) answers.
    * ``wait_for_requests(n, timeout)``, ``clear()``, ``errors`` (tracebacks of
      handler exceptions, answered as 500).
    """

    host = "127.0.0.1"
    bind_port = 0  # 0: an ephemeral port (a server started by hand may ask for a fixed one)

    def __init__(self, default_handler: ReplyFactory | None = None) -> None:
        self.default_handler: ReplyFactory | None = default_handler
        self._lock = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._queue: list[tuple[Matcher, QueueItem]] = []
        self._errors: list[str] = []
        self._conns: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------
    def start(self) -> FakeServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
        httpd = _HTTPServer((self.host, self.bind_port), handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addressing -------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- scripting --------------------------------------------------------
    def push(self, *items: QueueItem, when: Matcher = None) -> FakeServer:
        with self._lock:
            for item in items:
                self._queue.append((when, item))
        return self

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Forget recorded requests, queued replies and errors."""
        with self._lock:
            self._requests.clear()
            self._queue.clear()
            self._errors.clear()

    # -- inspection -------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> RecordedRequest:
        with self._lock:
            if not self._requests:
                raise AssertionError("no request received")
            return self._requests[-1]

    @property
    def errors(self) -> list[str]:
        with self._lock:
            return list(self._errors)

    def wait_for_requests(self, n: int, timeout: float = 2.0) -> list[RecordedRequest]:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= n, timeout):
                raise AssertionError(f"expected {n} requests, got {len(self._requests)}")
            return list(self._requests)

    # -- routing (override in subclasses) ----------------------------------
    def route(self, req: RecordedRequest) -> Reply:
        return Reply(status=404, json={"error": f"no route for {req.method} {req.path}"})

    # -- internals --------------------------------------------------------
    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(req)
            self._lock.notify_all()

    def _errors_append(self, tb: str) -> None:
        with self._lock:
            self._errors.append(tb)

    def _dispatch(self, req: RecordedRequest) -> Reply:
        item: QueueItem | None = None
        with self._lock:
            for i, (matcher, candidate) in enumerate(self._queue):
                if _matches(matcher, req):
                    item = candidate
                    del self._queue[i]
                    break
        if item is None:
            handler = self.default_handler or self.route
            item = handler
        reply = item if isinstance(item, Reply) else item(req)
        if not isinstance(reply, Reply):
            raise TypeError(f"handler returned {type(reply).__name__}, expected Reply")
        return reply
