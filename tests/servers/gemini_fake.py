"""Fake Gemini (Generative Language API, v1beta REST) server.

Speaks the wire format used by ``google-generativeai`` 0.8.6 configured with::

    genai.configure(api_key="test-key", transport="rest",
                    client_options={"api_endpoint": server.url})

Facts verified against the installed SDK (see tests/integration/test_fake_servers.py):

* ``POST /v1beta/models/{model}:generateContent?$alt=json;enum-encoding=int``
  (query sent URL-encoded as ``%24alt=json%3Benum-encoding%3Dint``).
* ``POST /v1beta/models/{model}:streamGenerateContent?$alt=json;enum-encoding=int``
  -- NOT ``alt=sse``.  The SDK (google.api_core.rest_streaming.ResponseIterator)
  reads ONE JSON ARRAY of GenerateContentResponse objects, incrementally,
  character by character; the body's very first byte must be ``[``.
* ``GET /v1beta/models?pageSize=50&$alt=...`` and ``GET /v1beta/models/{model}``.
* Headers: ``x-goog-api-key: <key>``, ``x-goog-api-client: genai-py/0.8.6 ...``,
  ``x-goog-request-params: model=models/<model>``, ``content-type: application/json``,
  user agent ``python-requests/...``.
* Request bodies are protobuf JSON with **integer enums** (e.g. responseSchema
  ``"type": 6`` for OBJECT) and camelCase field names.
* ``$alt=json;enum-encoding=int`` asks the server to encode response enums as
  integers (``"finishReason": 1``); by default this fake honours that, set
  ``int_enums=False`` to always send names (``"STOP"``).  The SDK accepts both.

For completeness ``alt=sse`` (used by the newer google-genai SDK) is also
served, as ``data: {json}\\r\\n\\r\\n`` events.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .base import FakeServer, Matcher, RecordedRequest, Reply, approx_tokens

__all__ = [
    "FINISH_REASONS",
    "GOOGLE_STATUS",
    "FakeGeminiServer",
    "api_key_invalid_reply",
    "gemini_error_body",
    "gemini_error_reply",
    "gemini_response_body",
    "gemini_stream_reply",
    "model_resource",
    "prompt_text",
    "split_text",
]

# HTTP status -> google.rpc.Code name, as the API puts it in error.status
GOOGLE_STATUS: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}

# google.ai.generativelanguage.v1beta.Candidate.FinishReason
FINISH_REASONS: dict[str, int] = {
    "FINISH_REASON_UNSPECIFIED": 0,
    "STOP": 1,
    "MAX_TOKENS": 2,
    "SAFETY": 3,
    "RECITATION": 4,
    "OTHER": 5,
    "BLOCKLIST": 6,
    "PROHIBITED_CONTENT": 7,
    "SPII": 8,
    "MALFORMED_FUNCTION_CALL": 9,
    "LANGUAGE": 10,
}

_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_SERVICE = "generativelanguage.googleapis.com"

DEFAULT_MODELS: tuple[str, ...] = (
    "gemini-1.5-flash",
    "gemini-1.5-pro",
    "gemini-2.0-flash",
    "gemini-2.5-flash",
)

_MODEL_PATH = re.compile(
    r"^(?P<prefix>/v1(?:beta|alpha)?)/(?P<kind>models|tunedModels)/(?P<model>[^/:]+)(?::(?P<method>[A-Za-z]+))?$"
)


# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------
def gemini_error_body(
    status: int,
    message: str | None = None,
    *,
    status_name: str | None = None,
    reason: str | None = None,
    retry_delay: str | None = None,
    details: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """``{"error": {"code", "message", "status"[, "details"]}}`` as Google sends it."""
    err: dict[str, Any] = {
        "code": status,
        "message": message or _DEFAULT_MESSAGES.get(status, "Unknown error."),
        "status": status_name or GOOGLE_STATUS.get(status, "UNKNOWN"),
    }
    det: list[dict[str, Any]] = []
    if reason:  # ErrorInfo comes first, as in real answers
        det.append(
            {
                "@type": _ERROR_INFO,
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": _SERVICE},
            }
        )
    det.extend(dict(d) for d in (details or ()))
    if retry_delay:
        det.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay})
    if det:
        err["details"] = det
    return {"error": err}


def gemini_error_reply(
    status: int,
    message: str | None = None,
    *,
    status_name: str | None = None,
    reason: str | None = None,
    retry_delay: str | None = None,
    headers: Mapping[str, str] | None = None,
    **reply_kw: Any,
) -> Reply:
    body = gemini_error_body(status, message, status_name=status_name, reason=reason, retry_delay=retry_delay)
    return Reply(
        status=status,
        json=body,
        headers=dict(headers or {}),
        content_type="application/json; charset=UTF-8",
        **reply_kw,
    )


def api_key_invalid_reply() -> Reply:
    """The 400 Google answers for a bad key (reason API_KEY_INVALID)."""
    msg = "API key not valid. Please pass a valid API key."
    body = gemini_error_body(
        400,
        msg,
        reason="API_KEY_INVALID",
        details=[
            {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg}
        ],
    )
    return Reply(status=400, json=body, content_type="application/json; charset=UTF-8")


def _finish(reason: str | None, int_enums: bool) -> Any:
    if reason is None:
        return None
    return FINISH_REASONS.get(reason, 0) if int_enums else reason


def _usage(prompt_tokens: int, candidate_tokens: int) -> dict[str, int]:
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": candidate_tokens,
        "totalTokenCount": prompt_tokens + candidate_tokens,
    }


def gemini_response_body(
    text: str,
    *,
    finish_reason: str | None = "STOP",
    prompt_tokens: int = 8,
    candidate_tokens: int | None = None,
    model_version: str = "gemini-1.5-flash-002",
    int_enums: bool = False,
    include_usage: bool = True,
) -> dict[str, Any]:
    """One GenerateContentResponse (also one element of a stream)."""
    cand: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}}
    fr = _finish(finish_reason, int_enums)
    if fr is not None:
        cand["finishReason"] = fr
    cand["index"] = 0
    body: dict[str, Any] = {"candidates": [cand]}
    if include_usage:
        body["usageMetadata"] = _usage(
            prompt_tokens, approx_tokens(text) if candidate_tokens is None else candidate_tokens
        )
    body["modelVersion"] = model_version
    return body


def split_text(text: str, parts: int = 3) -> list[str]:
    """Split text into ``parts`` roughly equal non-empty pieces."""
    if not text:
        return [""]
    parts = max(1, min(parts, len(text)))
    size = -(-len(text) // parts)
    return [text[i : i + size] for i in range(0, len(text), size)]


def gemini_stream_reply(
    pieces: Sequence[str],
    *,
    finish_reason: str = "STOP",
    prompt_tokens: int = 8,
    model_version: str = "gemini-1.5-flash-002",
    int_enums: bool = False,
    sse: bool = False,
    **reply_kw: Any,
) -> Reply:
    """streamGenerateContent answer.

    Default: a JSON array streamed in HTTP chunks, exactly as the API sends it
    for ``$alt=json``: ``[{...}`` then ``\\n,\\r\\n{...}`` ... then ``\\n]``.
    Every element carries cumulative usageMetadata; only the last one has a
    finishReason.  With ``sse=True``: ``data: {...}\\r\\n\\r\\n`` events (``alt=sse``).
    """
    elems = []
    so_far = 0
    pieces = list(pieces) or [""]
    for i, piece in enumerate(pieces):
        so_far += approx_tokens(piece)
        last = i == len(pieces) - 1
        elems.append(
            gemini_response_body(
                piece,
                finish_reason=finish_reason if last else None,
                prompt_tokens=prompt_tokens,
                candidate_tokens=so_far,
                model_version=model_version,
                int_enums=int_enums,
            )
        )
    if sse:
        chunks = [f"data: {json.dumps(e)}\r\n\r\n" for e in elems]
        reply_kw.setdefault("content_type", "text/event-stream")
    else:
        chunks = []
        for i, e in enumerate(elems):
            chunks.append(("[" if i == 0 else "\n,\r\n") + json.dumps(e, indent=2))
        chunks.append("\n]")
        reply_kw.setdefault("content_type", "application/json; charset=UTF-8")
    return Reply(chunks=chunks, **reply_kw)


def model_resource(
    model: str, *, methods: Sequence[str] = ("generateContent", "countTokens")
) -> dict[str, Any]:
    """A v1beta ``Model`` resource."""
    name = model if model.startswith("models/") else f"models/{model}"
    short = name.split("/", 1)[1]
    return {
        "name": name,
        "version": "001",
        "displayName": short.replace("-", " ").title(),
        "description": f"Fake {short}",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": list(methods),
        "temperature": 1.0,
        "topP": 0.95,
        "topK": 40,
        "maxTemperature": 2.0,
    }


def prompt_text(req: RecordedRequest) -> str:
    """All text parts of a generateContent request body, joined by newlines."""
    body = req.json or {}
    out: list[str] = []
    si = body.get("systemInstruction") or {}
    for part in si.get("parts", []):
        if "text" in part:
            out.append(part["text"])
    for content in body.get("contents", []):
        for part in content.get("parts", []):
            if "text" in part:
                out.append(part["text"])
    return "\n".join(out)


# ---------------------------------------------------------------------------
# server
# ---------------------------------------------------------------------------
class FakeGeminiServer(FakeServer):
    """Fake ``generativelanguage.googleapis.com`` (v1beta REST).

    Built-in routes (used when no queued reply applies and ``default_handler``
    is None):

    * ``POST /v1beta/models/{m}:generateContent``      -> text from ``responder``
    * ``POST /v1beta/models/{m}:streamGenerateContent`` -> same text, streamed
      in ``stream_parts`` pieces (JSON array; SSE if ``alt=sse``)
    * ``POST /v1beta/models/{m}:countTokens``
    * ``GET  /v1beta/models`` and ``GET /v1beta/models/{m}``
    * unknown model -> 404 NOT_FOUND; wrong/missing key (when ``api_key`` is
      set) -> 400 INVALID_ARGUMENT / API_KEY_INVALID, like the real API.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: Iterable[str] = DEFAULT_MODELS,
        text: str = "[]",
        responder: Callable[[RecordedRequest], str] | None = None,
        stream_parts: int = 3,
        int_enums: bool | None = None,
        model_version: str | None = None,
        default_handler: Callable[[RecordedRequest], Reply] | None = None,
    ):
        super().__init__(default_handler=default_handler)
        self.api_key = api_key
        self.models: list[str] = [m.split("/", 1)[1] if m.startswith("models/") else m for m in models]
        self.text = text
        self.responder = responder
        self.stream_parts = stream_parts
        self.int_enums = int_enums
        self.model_version = model_version

    # -- scripting helpers --------------------------------------------------
    def push_text(
        self,
        text: str,
        *,
        finish_reason: str = "STOP",
        pieces: Sequence[str] | None = None,
        prompt_tokens: int | None = None,
        candidate_tokens: int | None = None,
        when: Matcher = None,
        **reply_kw: Any,
    ) -> FakeGeminiServer:
        """Queue a successful answer with ``text``; it fits whichever endpoint
        consumes it (generateContent -> one JSON object, streamGenerateContent
        -> streamed ``pieces`` (default: ``stream_parts`` even splits)).
        ``reply_kw`` go to :class:`Reply` (delay, truncate, chunk_delay, headers...)."""

        def factory(req: RecordedRequest) -> Reply:
            return self.content_reply(
                req,
                text,
                finish_reason=finish_reason,
                pieces=pieces,
                prompt_tokens=prompt_tokens,
                candidate_tokens=candidate_tokens,
                **reply_kw,
            )

        return self.push(factory, when=when)  # type: ignore[return-value]

    def push_error(
        self,
        status: int,
        message: str | None = None,
        *,
        status_name: str | None = None,
        reason: str | None = None,
        retry_delay: str | None = None,
        headers: Mapping[str, str] | None = None,
        when: Matcher = None,
        **reply_kw: Any,
    ) -> FakeGeminiServer:
        self.push(
            gemini_error_reply(
                status,
                message,
                status_name=status_name,
                reason=reason,
                retry_delay=retry_delay,
                headers=headers,
                **reply_kw,
            ),
            when=when,
        )
        return self

    # -- SDK wiring ----------------------------------------------------------
    def configure_sdk(self, api_key: str = "test-key") -> None:
        """``genai.configure(api_key=..., transport="rest", client_options={"api_endpoint": self.url})``.

        NB: genai configuration is process-global; it keeps pointing at this
        (then closed) local port after the server stops, which fails fast."""
        import google.generativeai as genai

        genai.configure(api_key=api_key, transport="rest", client_options={"api_endpoint": self.url})

    # -- request helpers ------------------------------------------------------
    @property
    def generate_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith(("generateContent", "GenerateContent"))]

    @staticmethod
    def model_of(req: RecordedRequest) -> str | None:
        m = _MODEL_PATH.match(req.path)
        return m.group("model") if m else None

    def _wants_int_enums(self, req: RecordedRequest) -> bool:
        if self.int_enums is not None:
            return self.int_enums
        return "enum-encoding=int" in req.query.get("$alt", "")

    def content_reply(
        self,
        req: RecordedRequest,
        text: str,
        *,
        finish_reason: str = "STOP",
        pieces: Sequence[str] | None = None,
        prompt_tokens: int | None = None,
        candidate_tokens: int | None = None,
        **reply_kw: Any,
    ) -> Reply:
        int_enums = self._wants_int_enums(req)
        model = self.model_of(req) or "gemini"
        version = self.model_version or f"{model}-002"
        ptok = approx_tokens(prompt_text(req)) if prompt_tokens is None else prompt_tokens
        if req.path.endswith(":streamGenerateContent"):
            return gemini_stream_reply(
                pieces if pieces is not None else split_text(text, self.stream_parts),
                finish_reason=finish_reason,
                prompt_tokens=ptok,
                model_version=version,
                int_enums=int_enums,
                sse=req.query.get("alt") == "sse",
                **reply_kw,
            )
        body = gemini_response_body(
            text,
            finish_reason=finish_reason,
            prompt_tokens=ptok,
            candidate_tokens=candidate_tokens,
            model_version=version,
            int_enums=int_enums,
        )
        return Reply(json=body, content_type="application/json; charset=UTF-8", **reply_kw)

    # -- built-in behaviour ---------------------------------------------------
    def _key_ok(self, req: RecordedRequest) -> bool:
        if self.api_key is None:
            return True
        return (req.header("x-goog-api-key") or req.query.get("key")) == self.api_key

    def route(self, req: RecordedRequest) -> Reply:
        if not self._key_ok(req):
            return api_key_invalid_reply()
        if req.method == "GET" and req.path.rstrip("/") in ("/v1beta/models", "/v1/models"):
            return Reply(
                json={"models": [model_resource(m) for m in self.models]},
                content_type="application/json; charset=UTF-8",
            )
        m = _MODEL_PATH.match(req.path)
        if not m:
            return gemini_error_reply(404, f"Method not found: {req.method} {req.path}")
        model, method = m.group("model"), m.group("method")
        if model not in self.models:
            if method:
                return gemini_error_reply(
                    404,
                    f"models/{model} is not found for API version "
                    f"{m.group('prefix').strip('/')}, or is not supported for "
                    f"{method}. Call ListModels to see the list of available "
                    "models and their supported methods.",
                )
            return gemini_error_reply(
                404, f"Model is not found: models/{model} for api version {m.group('prefix').strip('/')}"
            )
        if req.method == "GET" and not method:
            return Reply(json=model_resource(model), content_type="application/json; charset=UTF-8")
        if req.method == "POST" and method in ("generateContent", "streamGenerateContent"):
            if not isinstance(req.json, dict) or not req.json.get("contents"):
                return gemini_error_reply(
                    400, "* GenerateContentRequest.contents: contents is not specified\n"
                )
            text = self.responder(req) if self.responder else self.text
            return self.content_reply(req, text)
        if req.method == "POST" and method == "countTokens":
            return Reply(
                json={"totalTokens": approx_tokens(prompt_text(req))},
                content_type="application/json; charset=UTF-8",
            )
        return gemini_error_reply(404, f"Method not found: {req.method} {req.path}")
