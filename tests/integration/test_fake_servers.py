"""Prove the fake provider servers (tests/servers) against the REAL SDKs.

Everything runs on 127.0.0.1; an autouse guard makes any other connection
attempt fail the test.  Does not import the agentic_synth package.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import warnings

import openai
import pytest
import requests

from tests.servers.base import FakeServer, Reply
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer

with warnings.catch_warnings():
    # Import-time FutureWarnings (see report / pytest filterwarnings):
    #   "You are using a Python version ..." (google.api_core)
    #   "\n\nAll support for the `google.generativeai` package has ended. ..."
    warnings.simplefilter("ignore", FutureWarning)
    import google.generativeai as genai
    from google.api_core import exceptions as gexc

RECORDS = [{"name": "Ann", "age": 31}, {"name": "Bob", "age": 42}]
RECORDS_TEXT = json.dumps(RECORDS)


# ---------------------------------------------------------------------------
# network guard: only loopback
# ---------------------------------------------------------------------------
_LOCAL = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOCAL:
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in _LOCAL and host is not None:
            raise AssertionError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    start = time.monotonic()
    yield
    assert time.monotonic() - start < 2.0, "test took too long"


@pytest.fixture
def oai():
    with FakeOpenAIServer(text=RECORDS_TEXT) as server:
        yield server
        assert server.errors == []


@pytest.fixture
def gem():
    with FakeGeminiServer(api_key="test-key", text=RECORDS_TEXT) as server:
        server.configure_sdk("test-key")
        yield server
        assert server.errors == []


MSGS = [{"role": "system", "content": "Return JSON."}, {"role": "user", "content": "Make 2 people"}]


# ---------------------------------------------------------------------------
# base server over raw HTTP/1.1
# ---------------------------------------------------------------------------
def test_base_keepalive_content_length_and_chunked():
    with FakeServer() as server:
        server.push(Reply(json={"a": 1}, headers={"X-Test": "yes"}))
        server.push(Reply(chunks=[b"one,", b"two,", b"three"], content_type="text/plain"))
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        conn.request(
            "POST",
            "/x/y?q=1&r=two",
            body=json.dumps({"k": "v"}),
            headers={"Content-Type": "application/json", "X-Mixed-Case": "A"},
        )
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.getheader("Content-Length") == str(len(b'{"a": 1}'))
        assert resp.getheader("X-Test") == "yes"
        assert json.loads(resp.read()) == {"a": 1}
        sock_before = conn.sock
        conn.request("GET", "/stream")
        resp = conn.getresponse()
        assert conn.sock is sock_before  # keep-alive connection reused
        assert resp.getheader("Transfer-Encoding") == "chunked"
        assert resp.read() == b"one,two,three"
        conn.request("GET", "/nothing-queued")
        resp = conn.getresponse()
        assert resp.status == 404
        resp.read()
        conn.close()
        first = server.requests[0]
        assert (first.method, first.path, first.query) == ("POST", "/x/y", {"q": "1", "r": "two"})
        assert first.headers["x-mixed-case"] == "A" and first.json == {"k": "v"}
        assert [r.path for r in server.requests] == ["/x/y", "/stream", "/nothing-queued"]


def test_base_default_handler_matcher_and_handler_errors():
    def boom(req):
        raise RuntimeError("handler bug")

    with FakeServer(default_handler=lambda req: Reply(json={"default": req.path})) as server:
        server.push(Reply(json={"special": True}), when="/special")
        assert requests.get(server.url + "/a", timeout=2).json() == {"default": "/a"}
        assert requests.get(server.url + "/special", timeout=2).json() == {"special": True}
        assert requests.get(server.url + "/special", timeout=2).json() == {"default": "/special"}
        server.push(boom)
        r = requests.get(server.url + "/b", timeout=2)
        assert r.status_code == 500 and "handler bug" in r.text
        assert len(server.errors) == 1
        server.clear()
        assert server.requests == [] and server.errors == []


def test_base_concurrent_requests_are_all_recorded():
    with FakeServer(default_handler=lambda req: Reply(json={"ok": True}, delay=0.05)) as server:

        def hit(i):
            with requests.Session() as s:
                assert s.get(f"{server.url}/r{i}", timeout=2).json() == {"ok": True}

        threads = [threading.Thread(target=hit, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.path for r in server.wait_for_requests(16)) == sorted(f"/r{i}" for i in range(16))


def test_base_stop_interrupts_delayed_reply():
    server = FakeServer(default_handler=lambda req: Reply(json={}, delay=30)).start()
    url = server.url
    errors = []

    def call():
        try:
            requests.get(url, timeout=5)
        except requests.RequestException as exc:
            errors.append(exc)

    t = threading.Thread(target=call)
    t.start()
    server.wait_for_requests(1)
    t0 = time.monotonic()
    server.stop()
    t.join(2)
    assert not t.is_alive() and errors and time.monotonic() - t0 < 1.5


# ---------------------------------------------------------------------------
# OpenAI SDK
# ---------------------------------------------------------------------------
def test_openai_non_streaming(oai):
    with oai.client() as client:
        resp = client.chat.completions.create(
            model="gpt-4o-mini", messages=MSGS, temperature=0.2, response_format={"type": "json_object"}
        )
    assert resp.object == "chat.completion"
    assert resp.model == "gpt-4o-mini"
    assert resp.choices[0].message.role == "assistant"
    assert json.loads(resp.choices[0].message.content) == RECORDS
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens > 0
    assert resp._request_id.startswith("req_")
    req = oai.last_request
    assert (req.method, req.path) == ("POST", "/v1/chat/completions")
    assert req.headers["authorization"] == "Bearer test"
    assert req.headers["x-stainless-retry-count"] == "0"
    assert req.json["messages"] == MSGS and req.json["response_format"] == {"type": "json_object"}
    assert "stream" not in req.json


def test_openai_streaming_with_usage(oai):
    oai.push_text(RECORDS_TEXT, pieces=['[{"name": "Ann", ', '"age": 31}, ', '{"name": "Bob", "age": 42}]'])
    with oai.client() as client:
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=MSGS, stream=True, stream_options={"include_usage": True}
        )
        chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert json.loads(text) == RECORDS
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    body = oai.last_request.json
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_openai_streaming_without_stream_options_has_no_usage_chunk(oai):
    with oai.client() as client:
        chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=MSGS, stream=True))
    assert all(c.usage is None for c in chunks) and all(c.choices for c in chunks)
    assert "stream_options" not in oai.last_request.json  # the SDK does not add it by itself


def test_openai_429_retry_after_then_success(oai):
    oai.push_error(429, retry_after="0.01")
    oai.push_text("ok")
    with oai.client(max_retries=1) as client:
        resp = client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
    assert resp.choices[0].message.content == "ok"
    assert len(oai.requests) == 2
    assert [r.headers["x-stainless-retry-count"] for r in oai.requests] == ["0", "1"]


def test_openai_429_without_retries_raises_rate_limit(oai):
    oai.push_error(429, retry_after="0.01")
    with oai.client() as client, pytest.raises(openai.RateLimitError) as ei:
        client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
    assert ei.value.status_code == 429 and ei.value.code == "rate_limit_exceeded"
    assert ei.value.response.headers["retry-after"] == "0.01"


def test_openai_401_authentication_error():
    with FakeOpenAIServer(api_key="sk-right") as server, server.client(api_key="wrong") as client:
        with pytest.raises(openai.AuthenticationError) as ei:
            client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
        assert ei.value.status_code == 401
        assert ei.value.code == "invalid_api_key" and ei.value.type == "invalid_request_error"
        assert ei.value.body["message"].startswith("Incorrect API key provided")
        assert len(server.requests) == 1


@pytest.mark.parametrize(
    "status, exc",
    [(404, openai.NotFoundError), (500, openai.InternalServerError), (400, openai.BadRequestError)],
)
def test_openai_error_statuses(oai, status, exc):
    oai.push_error(status)
    with oai.client() as client, pytest.raises(exc) as ei:
        client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
    assert ei.value.status_code == status


def test_openai_openrouter_prefix_and_models():
    with (
        FakeOpenAIServer(models=["openai/gpt-4o-mini"], text="hi") as server,
        server.client(prefix="/api/v1") as client,
    ):
        resp = client.chat.completions.create(model="openai/gpt-4o-mini", messages=MSGS)
        assert resp.choices[0].message.content == "hi" and resp.model == "openai/gpt-4o-mini"
        assert [m.id for m in client.models.list()] == ["openai/gpt-4o-mini"]
        assert [(r.method, r.path) for r in server.requests] == [
            ("POST", "/api/v1/chat/completions"),
            ("GET", "/api/v1/models"),
        ]


def test_openai_timeout_drop_and_truncated_stream(oai):
    oai.push(Reply(json={}, delay=5))
    with oai.client(timeout=0.2) as client:
        with pytest.raises(openai.APITimeoutError):
            client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
        oai.push(Reply(drop=True))
        with pytest.raises(openai.APIConnectionError):
            client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
        oai.push_text("abcdefghijkl", pieces=["abcd", "efgh", "ijkl"], truncate=True)
        got = []
        with pytest.raises(openai.APIConnectionError):
            for chunk in client.chat.completions.create(model="gpt-4o-mini", messages=MSGS, stream=True):
                got.append(chunk.choices[0].delta.content)
        text = "".join(filter(None, got))
        assert "abcdefghijkl".startswith(text) and text != "abcdefghijkl"  # cut midway, no [DONE]


# ---------------------------------------------------------------------------
# google-generativeai (REST transport)
# ---------------------------------------------------------------------------
def test_gemini_generate_content(gem):
    model = genai.GenerativeModel("gemini-1.5-flash")
    resp = model.generate_content("Make 2 people")
    assert json.loads(resp.text) == RECORDS
    assert resp.candidates[0].finish_reason == genai.protos.Candidate.FinishReason.STOP
    um = resp.usage_metadata
    assert um.total_token_count == um.prompt_token_count + um.candidates_token_count > 0
    req = gem.last_request
    assert (req.method, req.path) == ("POST", "/v1beta/models/gemini-1.5-flash:generateContent")
    assert req.query == {"$alt": "json;enum-encoding=int"}
    assert req.headers["x-goog-api-key"] == "test-key"
    assert req.headers["x-goog-api-client"].startswith("genai-py/0.8.6")
    assert req.json["contents"] == [{"parts": [{"text": "Make 2 people"}], "role": "user"}]


def test_gemini_stream(gem):
    gem.push_text(RECORDS_TEXT, pieces=['[{"name": "Ann", ', '"age": 31}, ', '{"name": "Bob", "age": 42}]'])
    model = genai.GenerativeModel("gemini-1.5-flash")
    resp = model.generate_content("Make 2 people", stream=True)
    pieces = [chunk.text for chunk in resp]
    assert len(pieces) == 3 and json.loads("".join(pieces)) == RECORDS
    assert resp.usage_metadata.total_token_count > 0
    req = gem.last_request
    assert req.path == "/v1beta/models/gemini-1.5-flash:streamGenerateContent"
    assert req.query == {"$alt": "json;enum-encoding=int"}  # JSON array stream, not alt=sse


def test_gemini_json_mode_body(gem):
    schema = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    }
    model = genai.GenerativeModel("gemini-1.5-flash", system_instruction="Return JSON only.")
    resp = model.generate_content(
        "Make 2 people",
        generation_config=genai.GenerationConfig(
            response_mime_type="application/json",
            response_schema=schema,
            temperature=0.3,
            max_output_tokens=256,
        ),
        request_options={"timeout": 5},
    )
    assert json.loads(resp.text) == RECORDS
    body = gem.last_request.json
    assert body["systemInstruction"] == {"parts": [{"text": "Return JSON only."}]}
    assert body["generationConfig"] == {
        "temperature": 0.3,
        "maxOutputTokens": 256,
        "responseMimeType": "application/json",
        # protobuf JSON with INTEGER enums: ARRAY=5, OBJECT=6, STRING=1, INTEGER=3
        "responseSchema": {
            "type": 5,
            "items": {
                "type": 6,
                "properties": {"age": {"type": 3}, "name": {"type": 1}},
                "required": ["name", "age"],
            },
        },
    }


@pytest.mark.parametrize(
    "status, exc",
    [
        (403, gexc.Forbidden),
        (429, gexc.TooManyRequests),
        (500, gexc.InternalServerError),
    ],
)
def test_gemini_error_statuses(gem, status, exc):
    gem.push_error(status)
    with pytest.raises(exc) as ei:
        genai.GenerativeModel("gemini-1.5-flash").generate_content("x")
    assert ei.value.code == status
    assert len(gem.requests) == 1  # not retried by the SDK's default policy


def test_gemini_404_unknown_model(gem):
    with pytest.raises(gexc.NotFound) as ei:
        genai.GenerativeModel("gemini-nope").generate_content("x")
    assert "models/gemini-nope is not found" in ei.value.message
    with pytest.raises(gexc.NotFound):
        genai.get_model("models/gemini-nope")


def test_gemini_bad_api_key(gem):
    gem.configure_sdk("wrong-key")
    with pytest.raises(gexc.BadRequest) as ei:
        genai.GenerativeModel("gemini-1.5-flash").generate_content("x")
    assert ei.value.code == 400
    assert any(d.get("reason") == "API_KEY_INVALID" for d in ei.value.details)
    assert gem.last_request.headers["x-goog-api-key"] == "wrong-key"


def test_gemini_list_and_get_models(gem):
    names = [m.name for m in genai.list_models()]
    assert "models/gemini-1.5-flash" in names
    assert genai.get_model("models/gemini-1.5-pro").output_token_limit == 8192
    assert [(r.method, r.path) for r in gem.requests] == [
        ("GET", "/v1beta/models"),
        ("GET", "/v1beta/models/gemini-1.5-pro"),
    ]
    assert gem.requests[0].query["pageSize"] == "50"


def test_gemini_timeout_and_truncated_stream(gem):
    gem.push_text("late", delay=5)
    with pytest.raises(requests.exceptions.ReadTimeout):  # NOT wrapped by google.api_core
        genai.GenerativeModel("gemini-1.5-flash").generate_content("x", request_options={"timeout": 0.2})
    gem.push_text("abcdefghijkl", pieces=["abcd", "efgh", "ijkl"], truncate=True)
    resp = genai.GenerativeModel("gemini-1.5-flash").generate_content("x", stream=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for _ in resp:
            pass
