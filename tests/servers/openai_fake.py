"""Fake OpenAI-compatible chat-completions server (OpenAI, OpenRouter, ...).

Routes (any path prefix: ``/v1/...``, ``/api/v1/...`` for OpenRouter, ...):

* ``POST .../chat/completions`` -- ``chat.completion`` JSON, or, with
  ``"stream": true``, SSE ``data: {chat.completion.chunk}\\n\\n`` events ending
  with ``data: [DONE]\\n\\n``; when ``stream_options.include_usage`` is true
  every chunk carries ``"usage": null`` and a final chunk with ``"choices": []``
  carries the usage, as the real API does.
* ``GET .../models`` and ``GET .../models/{id}``.

Errors use OpenAI's shape ``{"error": {"message", "type", "param", "code"}}``.
Every reply carries an ``x-request-id`` header (the SDK exposes it as
``_request_id`` / ``err.request_id``).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .base import FakeServer, Matcher, RecordedRequest, Reply, approx_tokens, sse_event

__all__ = [
    "OPENAI_ERRORS",
    "FakeOpenAIServer",
    "completion_body",
    "completion_chunks",
    "openai_error_body",
    "openai_error_reply",
    "openai_stream_reply",
    "prompt_text",
]

_ids = itertools.count(1)

# status -> (default message, type, code), modelled on real API answers
OPENAI_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: (
        "Incorrect API key provided: test. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
    ),
    403: (
        "You are not allowed to access this resource.",
        "invalid_request_error",
        "unsupported_country_region_territory",
    ),
    404: (
        "The model `unknown` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    ),
    429: ("Rate limit reached for requests. Please try again in 20ms.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}

DEFAULT_MODELS: tuple[str, ...] = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini")


def _request_id() -> str:
    return f"req_{next(_ids):032x}"


def openai_error_body(
    status: int,
    message: str | None = None,
    *,
    type: str | None = None,
    code: Any = ...,
    param: str | None = None,
) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}``; omitted fields get the
    real API's usual values for ``status`` (``code=None`` sends ``null``)."""
    d_msg, d_type, d_code = OPENAI_ERRORS.get(status, ("Error.", "api_error", None))
    return {
        "error": {
            "message": message or d_msg,
            "type": type or d_type,
            "param": param,
            "code": d_code if code is ... else code,
        }
    }


def openai_error_reply(
    status: int,
    message: str | None = None,
    *,
    type: str | None = None,
    code: Any = ...,
    param: str | None = None,
    retry_after: float | str | None = None,
    headers: Mapping[str, str] | None = None,
    **reply_kw: Any,
) -> Reply:
    """Error reply; ``retry_after`` sets a ``Retry-After`` header (seconds)."""
    hdrs = {"x-request-id": _request_id(), **dict(headers or {})}
    if retry_after is not None:
        hdrs["Retry-After"] = str(retry_after)
    return Reply(
        status=status,
        json=openai_error_body(status, message, type=type, code=code, param=param),
        headers=hdrs,
        **reply_kw,
    )


def prompt_text(req: RecordedRequest) -> str:
    """Concatenated text of all messages of a chat-completions request."""
    out = []
    for msg in (req.json or {}).get("messages", []) or []:
        content = msg.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out.extend(p.get("text", "") for p in content if isinstance(p, dict))
    return "\n".join(out)


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion_body(
    text: str,
    *,
    model: str = "gpt-4o-mini",
    finish_reason: str = "stop",
    prompt_tokens: int = 10,
    completion_tokens: int | None = None,
    id: str | None = None,
    created: int | None = None,
) -> dict[str, Any]:
    """A ``chat.completion`` object whose single choice has ``text`` as content."""
    return {
        "id": id or f"chatcmpl-fake{next(_ids)}",
        "object": "chat.completion",
        "created": created or int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": _usage(
            prompt_tokens, approx_tokens(text) if completion_tokens is None else completion_tokens
        ),
        "system_fingerprint": "fp_fake",
    }


def split_text(text: str, parts: int = 3) -> list[str]:
    if not text:
        return []
    parts = max(1, min(parts, len(text)))
    size = -(-len(text) // parts)
    return [text[i : i + size] for i in range(0, len(text), size)]


def completion_chunks(
    pieces: Sequence[str],
    *,
    model: str = "gpt-4o-mini",
    finish_reason: str = "stop",
    include_usage: bool = False,
    prompt_tokens: int = 10,
    id: str | None = None,
    created: int | None = None,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of one streamed answer: a role
    chunk, one chunk per content piece, a finish chunk and (with
    ``include_usage``) a trailing usage chunk with empty choices."""
    cid = id or f"chatcmpl-fake{next(_ids)}"
    ts = created or int(time.time())

    def chunk(delta: dict[str, Any], fr: str | None) -> dict[str, Any]:
        c: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": ts,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": fr}],
        }
        if include_usage:
            c["usage"] = None
        return c

    out = [chunk({"role": "assistant", "content": "", "refusal": None}, None)]
    out += [chunk({"content": p}, None) for p in pieces]
    out.append(chunk({}, finish_reason))
    if include_usage:
        completion = sum(approx_tokens(p) for p in pieces)
        out.append(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": ts,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [],
                "usage": _usage(prompt_tokens, completion),
            }
        )
    return out


def openai_stream_reply(
    chunks: Iterable[Mapping[str, Any]],
    *,
    done: bool = True,
    headers: Mapping[str, str] | None = None,
    **reply_kw: Any,
) -> Reply:
    """SSE reply: one ``data: {json}\\n\\n`` event per chunk, then ``data: [DONE]``.
    Pass ``truncate=True`` to cut the stream midway (no [DONE])."""
    events = [sse_event(dict(c)) for c in chunks]
    if done:
        events.append(b"data: [DONE]\n\n")
    hdrs = {"x-request-id": _request_id(), **dict(headers or {})}
    reply_kw.setdefault("content_type", "text/event-stream; charset=utf-8")
    return Reply(chunks=events, headers=hdrs, **reply_kw)


class FakeOpenAIServer(FakeServer):
    """Fake OpenAI chat-completions API.

    Built-in behaviour (no queued reply, ``default_handler`` None): answers
    every chat completion with ``responder(req)`` (or ``text``), streamed in
    ``stream_parts`` pieces when the request asks for ``stream``.  With
    ``api_key`` set, a wrong/missing ``Authorization: Bearer`` gives 401
    ``invalid_api_key``.  With ``strict_models`` an unknown model gives 404
    ``model_not_found``.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: Iterable[str] = DEFAULT_MODELS,
        text: str = "[]",
        responder: Callable[[RecordedRequest], str] | None = None,
        stream_parts: int = 3,
        strict_models: bool = False,
        default_handler: Callable[[RecordedRequest], Reply] | None = None,
    ):
        super().__init__(default_handler=default_handler)
        self.api_key = api_key
        self.models = list(models)
        self.text = text
        self.responder = responder
        self.stream_parts = stream_parts
        self.strict_models = strict_models

    # -- scripting helpers ------------------------------------------------------
    def push_text(
        self,
        text: str,
        *,
        finish_reason: str = "stop",
        pieces: Sequence[str] | None = None,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        model: str | None = None,
        when: Matcher = None,
        **reply_kw: Any,
    ) -> FakeOpenAIServer:
        """Queue a successful completion whose content is ``text``; shaped as
        JSON or SSE according to the consuming request's ``stream`` flag.
        ``reply_kw`` go to :class:`Reply` (delay, truncate, chunk_delay, headers...)."""

        def factory(req: RecordedRequest) -> Reply:
            return self.completion_reply(
                req,
                text,
                finish_reason=finish_reason,
                pieces=pieces,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                model=model,
                **reply_kw,
            )

        self.push(factory, when=when)
        return self

    def push_json(self, data: Any, **kw: Any) -> FakeOpenAIServer:
        """Queue a completion whose content is ``json.dumps(data)``."""
        return self.push_text(json.dumps(data), **kw)

    def push_error(
        self,
        status: int,
        message: str | None = None,
        *,
        type: str | None = None,
        code: Any = ...,
        retry_after: float | str | None = None,
        headers: Mapping[str, str] | None = None,
        when: Matcher = None,
        **reply_kw: Any,
    ) -> FakeOpenAIServer:
        self.push(
            openai_error_reply(
                status, message, type=type, code=code, retry_after=retry_after, headers=headers, **reply_kw
            ),
            when=when,
        )
        return self

    # -- SDK wiring ------------------------------------------------------------------
    def client(self, *, prefix: str = "/v1", api_key: str = "test", max_retries: int = 0, **kw: Any) -> Any:
        """``openai.OpenAI(base_url=self.url + prefix, api_key=..., max_retries=...)``."""
        import openai

        return openai.OpenAI(base_url=self.url + prefix, api_key=api_key, max_retries=max_retries, **kw)

    # -- request helpers -----------------------------------------------------------
    @property
    def completion_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def completion_reply(
        self,
        req: RecordedRequest,
        text: str,
        *,
        finish_reason: str = "stop",
        pieces: Sequence[str] | None = None,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        model: str | None = None,
        headers: Mapping[str, str] | None = None,
        **reply_kw: Any,
    ) -> Reply:
        body = req.json if isinstance(req.json, dict) else {}
        model = model or body.get("model") or "gpt-4o-mini"
        ptok = approx_tokens(prompt_text(req)) if prompt_tokens is None else prompt_tokens
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            chunks = completion_chunks(
                pieces if pieces is not None else split_text(text, self.stream_parts),
                model=model,
                finish_reason=finish_reason,
                include_usage=include_usage,
                prompt_tokens=ptok,
            )
            return openai_stream_reply(chunks, headers=headers, **reply_kw)
        hdrs = {"x-request-id": _request_id(), **dict(headers or {})}
        return Reply(
            json=completion_body(
                text,
                model=model,
                finish_reason=finish_reason,
                prompt_tokens=ptok,
                completion_tokens=completion_tokens,
            ),
            headers=hdrs,
            **reply_kw,
        )

    # -- built-in behaviour -------------------------------------------------------
    def _auth_ok(self, req: RecordedRequest) -> bool:
        if self.api_key is None:
            return True
        return req.header("authorization") == f"Bearer {self.api_key}"

    def route(self, req: RecordedRequest) -> Reply:
        if not self._auth_ok(req):
            got = (req.header("authorization") or "").removeprefix("Bearer ")
            shown = got if len(got) <= 8 else f"{got[:3]}*{got[-4:]}"
            return openai_error_reply(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key "
                "at https://platform.openai.com/account/api-keys.",
            )
        path = req.path.rstrip("/")
        if req.method == "POST" and path.endswith("/chat/completions"):
            body = req.json
            if not isinstance(body, dict):
                return openai_error_reply(400, "We could not parse the JSON body of your request.")
            if not body.get("messages"):
                return openai_error_reply(
                    400,
                    "Missing required parameter: 'messages'.",
                    code="missing_required_parameter",
                    param="messages",
                )
            model = body.get("model")
            if self.strict_models and model not in self.models:
                return openai_error_reply(
                    404, f"The model `{model}` does not exist or you do not have access to it."
                )
            text = self.responder(req) if self.responder else self.text
            return self.completion_reply(req, text)
        if req.method == "GET" and path.endswith("/models"):
            return Reply(
                json={"object": "list", "data": [self._model(m) for m in self.models]},
                headers={"x-request-id": _request_id()},
            )
        if req.method == "GET" and "/models/" in path:
            mid = path.split("/models/", 1)[1]
            if mid in self.models:
                return Reply(json=self._model(mid), headers={"x-request-id": _request_id()})
            return openai_error_reply(
                404, f"The model '{mid}' does not exist", code="model_not_found", param="model"
            )
        return openai_error_reply(404, f"Invalid URL ({req.method} {req.path})", code=None)

    @staticmethod
    def _model(mid: str) -> dict[str, Any]:
        return {"id": mid, "object": "model", "created": 1700000000, "owned_by": "system"}
