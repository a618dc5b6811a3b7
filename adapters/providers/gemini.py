"""GeminiTextModel: Google Gemini through google-generativeai 0.8.6, kept entirely inside this module.

That SDK's support has ended; nothing else imports it, so an adapter on the maintained `google-genai`
SDK can replace this one by configuration. Facts this adapter relies on:
- `genai.configure` is process-global, so it is never called: each adapter owns its own REST
  `GenerativeServiceClient` (api_endpoint may be a plain-HTTP URL such as a local gateway).
- The gapic default retry re-sends 503s; every call passes `retry=None` so ResilientTextModel
  alone decides about retries.
- google-auth's AuthorizedSession re-sends a request up to twice after a 401 (it tries a
  credential refresh, pointless with an API key); the adapter sets its refresh attempts to 0 so a
  rejected key is sent once. If a future google-auth renames that attribute, a 401 is merely
  sent up to 3 times and still reported as `gemini: API key rejected (401)`, never retried by us.
- Streaming reads one JSON array of chunks (`:streamGenerateContent`), not SSE; a cut stream
  raises requests' ChunkedEncodingError, translated like any dropped connection.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import requests

with warnings.catch_warnings():  # the SDK's end-of-support and Python-version notices are not the user's concern
    warnings.filterwarnings("ignore", category=FutureWarning)
    import google.generativeai as genai
    from google.ai import generativelanguage as glm
    from google.api_core import exceptions as gexc
    from google.api_core.client_options import ClientOptions
    from google.generativeai.types import RequestOptions
    from google.protobuf.json_format import ParseError

from agentic_synth.adapters.providers.errors import (
    parse_retry_after,
    retry_after_from_headers,
    status_error,
    transport_error,
)
from agentic_synth.adapters.providers.usage import reported_usage
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ProviderError

DEFAULT_MODEL = "gemini-2.5-flash"
_SCHEMA_KEYS = ("type", "description", "nullable", "enum", "items", "properties", "required")
_BLOCKED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"}


def gemini_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema cut down to the OpenAPI subset Gemini's response_schema takes."""
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        out["nullable"] = len(kinds) < len(kind)
        kind = kinds[0] if kinds else "string"
    out["type"] = kind or "string"
    for key in _SCHEMA_KEYS[1:]:
        if key not in schema:
            continue
        value = schema[key]
        if key == "properties":
            out[key] = {name: gemini_schema(sub) for name, sub in value.items()}
        elif key == "items":
            out[key] = gemini_schema(value)
        elif key == "enum":
            if all(isinstance(v, str) for v in value):
                out[key] = list(value)
        else:
            out[key] = value
    if schema.get("format") == "date-time":
        out["format"] = "date-time"
    return out


def _usage(response: Any) -> tuple[int, int, bool]:
    """The reply's usage metadata (an empty one, as a cut stream leaves, is unknown usage)."""
    usage = getattr(response, "usage_metadata", None)
    if usage is None or not (usage.prompt_token_count or usage.candidates_token_count):
        return 0, 0, False
    return reported_usage(usage.prompt_token_count, usage.candidates_token_count or 0)


class GeminiTextModel:
    """A TextModel for Gemini (generateContent / streamGenerateContent over REST)."""

    def __init__(self, *, api_key: str | None, base_url: str | None = None, timeout: float = 60.0,
                 provider: str = "gemini", default_model: str = DEFAULT_MODEL) -> None:
        self.provider = provider
        self.timeout = timeout
        self.base_url = base_url
        self._key = api_key
        self._default_model = default_model
        options = ClientOptions(api_endpoint=base_url, api_key=api_key) if base_url else ClientOptions(api_key=api_key)
        self._client = glm.GenerativeServiceClient(transport="rest", client_options=options)
        session = getattr(self._client.transport, "_session", None)
        if session is not None and hasattr(session, "_max_refresh_attempts"):
            session._max_refresh_attempts = 0  # no re-send of a 401: an API key cannot be refreshed
        self._plain: set[str] = set()  # models whose server rejected structured output
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GeminiTextModel(provider={self.provider!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP session."""
        self._client.transport.close()

    # --- the port ------------------------------------------------------------------------------

    def complete(self, request: ModelRequest) -> Completion:
        name = request.model or self._default_model
        started = time.monotonic()
        response = self._call(request, name, stream=False)
        text, finish = self._text(response, name)
        tokens_in, tokens_out, known = _usage(response)
        return Completion(text=text, model=name, provider=self.provider, tokens_in=tokens_in, tokens_out=tokens_out,
                          usage_known=known, latency_s=time.monotonic() - started, finish_reason=finish,
                          cost_usd=None)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        name = request.model or self._default_model
        response = self._call(request, name, stream=True)
        finish: str | None = None
        try:
            for chunk in response:
                text, reason = self._text(chunk, name, allow_empty=True)
                finish = reason or finish
                if text:
                    yield TextDelta(text=text)
            tokens_in, tokens_out, known = _usage(response)
        except (gexc.GoogleAPIError, requests.exceptions.RequestException) as exc:
            raise self._translate(exc, name) from None
        except (ParseError, ValueError):
            raise transport_error(self.provider, "malformed") from None
        yield TextDelta(text="", tokens_in=tokens_in, tokens_out=tokens_out, done=True, finish_reason=finish,
                        usage_known=known)

    # --- calls ---------------------------------------------------------------------------------

    def _call(self, request: ModelRequest, name: str, *, stream: bool) -> Any:
        """One call; a 400 while asking for structured output is retried once as plain text."""
        structured = request.json_output or request.json_schema is not None
        while True:
            with self._lock:
                plain = name in self._plain
            model = genai.GenerativeModel(name, system_instruction=request.system or None,
                                          generation_config=self._config(request, structured and not plain))
            model._client = self._client  # type: ignore[assignment]  # ours: genai.configure is process-global
            try:
                return model.generate_content(request.prompt, stream=stream,
                                              request_options=RequestOptions(retry=None, timeout=self.timeout))
            except gexc.BadRequest as exc:
                if structured and not plain and not self._key_rejected(exc):
                    with self._lock:
                        self._plain.add(name)
                    continue
                raise self._translate(exc, name) from None
            except (ValueError, TypeError, KeyError):  # the SDK could not convert the response schema
                if structured and not plain:
                    with self._lock:
                        self._plain.add(name)
                    continue
                raise
            except (gexc.GoogleAPIError, requests.exceptions.RequestException) as exc:
                raise self._translate(exc, name) from None
            except ParseError:  # a 200 whose body is not the API's JSON
                raise transport_error(self.provider, "malformed") from None

    @staticmethod
    def _config(request: ModelRequest, structured: bool) -> genai.GenerationConfig:
        extra: dict[str, Any] = {}
        if structured:
            extra["response_mime_type"] = "application/json"
            if request.json_schema is not None:
                extra["response_schema"] = gemini_schema(request.json_schema)
        return genai.GenerationConfig(temperature=request.temperature,
                                      max_output_tokens=request.max_output_tokens, **extra)

    def _text(self, response: Any, name: str, *, allow_empty: bool = False) -> tuple[str, str | None]:
        candidates = list(getattr(response, "candidates", None) or ())
        if not candidates:
            feedback = getattr(response, "prompt_feedback", None)
            reason = getattr(getattr(feedback, "block_reason", None), "name", None)
            if allow_empty and not reason:
                return "", None
            raise ProviderError(f"{self.provider}: the prompt was blocked ({reason or 'no candidates'})",
                                provider=self.provider)
        candidate = candidates[0]
        finish = getattr(candidate.finish_reason, "name", None) if candidate.finish_reason else None
        text = "".join(part.text for part in candidate.content.parts if part.text)
        if finish in _BLOCKED and not text:
            raise ProviderError(f"{self.provider}: the reply was blocked ({finish})", provider=self.provider)
        return text, finish

    @staticmethod
    def _key_rejected(exc: gexc.GoogleAPICallError) -> bool:
        details = exc.details if isinstance(exc.details, list) else []
        return any(isinstance(d, Mapping) and d.get("reason") == "API_KEY_INVALID" for d in details)

    def _translate(self, exc: Exception, name: str) -> ProviderError:
        if isinstance(exc, requests.exceptions.Timeout | gexc.DeadlineExceeded):
            return transport_error(self.provider, "timeout", timeout=self.timeout)
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return transport_error(self.provider, "truncated")
        if isinstance(exc, requests.exceptions.RequestException):
            return transport_error(self.provider, "connection")
        if isinstance(exc, gexc.GoogleAPICallError) and exc.code is not None:
            response = getattr(exc, "response", None)
            retry_after = retry_after_from_headers(getattr(response, "headers", None))
            for detail in exc.details if isinstance(exc.details, list) else ():
                if isinstance(detail, Mapping) and "retryDelay" in detail and retry_after is None:
                    retry_after = parse_retry_after(str(detail["retryDelay"]))
            return status_error(self.provider, int(exc.code), model=name, detail=exc.message,
                                retry_after=retry_after, key_rejected=self._key_rejected(exc), secrets=(self._key,))
        return transport_error(self.provider, "malformed")
