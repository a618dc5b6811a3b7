"""OpenAICompatibleTextModel (any /v1/chat/completions server) and OpenRouterTextModel, on the openai SDK.

The SDK's own retries are switched off (`max_retries=0`): ResilientTextModel owns retries, so a
429 is retried once per our policy, not 3 x ours. Structured output is asked for with
`response_format` (json_schema, then json_object) and dropped for a model whose server rejects it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import openai

from agentic_synth.adapters.providers.errors import (
    retry_after_from_headers,
    status_error,
    transport_error,
)
from agentic_synth.adapters.providers.usage import reported_usage
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ProviderError, UsageError

OPENROUTER_URL = "https://openrouter.ai/api/v1"
_FORMATS = ("json_schema", "json_object", "text")
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|json mode|structured|schema|format", re.I)


def _text_or_none(value: Any) -> str | None:
    """A text field of the reply as the API defines it (a server that sends a number there is ignored)."""
    return value if isinstance(value, str) else None


class OpenAICompatibleTextModel:
    """A TextModel for an OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, LM Studio...)."""

    def __init__(self, *, base_url: str, api_key: str | None = None, provider: str = "openai",
                 timeout: float = 60.0, models: Sequence[str] = (), headers: Mapping[str, str] | None = None,
                 extra_body: Mapping[str, Any] | None = None) -> None:
        self.provider = provider
        self.base_url = base_url
        self.timeout = timeout
        self.models = tuple(models)
        self._key = api_key
        self._extra_body = dict(extra_body or {})
        # Local servers take any key; the SDK insists on one, so a placeholder is sent.
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout,
                                     max_retries=0, default_headers=dict(headers or {}))
        self._formats: dict[str, str] = {}  # model -> best response_format its server accepted
        self._no_stream_options: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    # --- the port ------------------------------------------------------------------------------

    def complete(self, request: ModelRequest) -> Completion:
        model = self._model(request)
        started = time.monotonic()
        response = self._create(request, model, stream=False)
        choice = response.choices[0] if response.choices else None
        usage = getattr(response, "usage", None)
        cost = getattr(usage, "cost", None) if usage is not None else None
        tokens_in, tokens_out, known = reported_usage(getattr(usage, "prompt_tokens", None),
                                                      getattr(usage, "completion_tokens", None))
        content = choice.message.content if choice is not None and choice.message is not None else ""
        return Completion(
            text=content if isinstance(content, str) else "",
            model=response.model if isinstance(response.model, str) and response.model else model,
            provider=self.provider, tokens_in=tokens_in, tokens_out=tokens_out, usage_known=known,
            latency_s=time.monotonic() - started, finish_reason=_text_or_none(choice.finish_reason if choice else None),
            cost_usd=float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        model = self._model(request)
        chunks = self._create(request, model, stream=True)
        tokens_in, tokens_out, known = 0, 0, False
        finish: str | None = None
        try:
            for chunk in chunks:
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    tokens_in, tokens_out, known = reported_usage(getattr(usage, "prompt_tokens", None),
                                                                  getattr(usage, "completion_tokens", None))
                for choice in chunk.choices or ():
                    finish = _text_or_none(choice.finish_reason) or finish
                    content = choice.delta.content if choice.delta is not None else None
                    if content and isinstance(content, str):
                        yield TextDelta(text=content)
        except openai.OpenAIError as exc:
            raise self._translate(exc, model) from None
        except ValueError:  # an event whose data is not JSON
            raise transport_error(self.provider, "malformed") from None
        finally:
            chunks.close()
        yield TextDelta(text="", tokens_in=tokens_in, tokens_out=tokens_out, done=True, finish_reason=finish,
                        usage_known=known)

    # --- calls ---------------------------------------------------------------------------------

    def _model(self, request: ModelRequest) -> str:
        if request.model:
            return request.model
        if self.models:
            return self.models[0]
        raise UsageError(f"{self.provider}: no model given; pass --model or list models under "
                         f"providers.{self.provider}.models")

    def _create(self, request: ModelRequest, model: str, *, stream: bool) -> Any:
        """One call; a 400 caused by response_format or stream_options is retried without them.

        A 400 that comes back word for word without them, and names no output format, was about
        something else (a too-long prompt, say): it is raised, and the model keeps its format.
        """
        with self._lock:
            learned = self._formats.get(model)
        previous: str | None = None
        while True:
            fmt = self._format(request, model)
            kwargs = self._kwargs(request, model, fmt, stream)
            try:
                return self._client.chat.completions.create(**kwargs)
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                detail = str(exc.message)
                options = stream and "stream_options" in kwargs
                if options and "stream_options" in detail:
                    with self._lock:
                        self._no_stream_options.add(model)
                    continue
                if previous == detail and not _FORMAT_WORDS.search(detail):
                    self._restore(model, learned)
                    raise self._translate(exc, model) from None
                previous = detail
                if fmt != "text" and self._downgrade(model, fmt):
                    continue
                if isinstance(exc, openai.BadRequestError) and options:
                    with self._lock:
                        self._no_stream_options.add(model)
                    continue
                raise self._translate(exc, model) from None
            except openai.OpenAIError as exc:
                raise self._translate(exc, model) from None
            except ValueError:  # a 200 whose body is not JSON (json.JSONDecodeError)
                raise transport_error(self.provider, "malformed") from None

    def _restore(self, model: str, learned: str | None) -> None:
        with self._lock:
            if learned is None:
                self._formats.pop(model, None)
            else:
                self._formats[model] = learned

    def _format(self, request: ModelRequest, model: str) -> str:
        wanted = "json_schema" if request.json_schema else ("json_object" if request.json_output else "text")
        with self._lock:
            learned = self._formats.get(model, "json_schema")
        return _FORMATS[max(_FORMATS.index(wanted), _FORMATS.index(learned))]

    def _downgrade(self, model: str, fmt: str) -> bool:
        with self._lock:
            self._formats[model] = _FORMATS[_FORMATS.index(fmt) + 1]
        return True

    def _kwargs(self, request: ModelRequest, model: str, fmt: str, stream: bool) -> dict[str, Any]:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages.append({"role": "user", "content": request.prompt})
        kwargs: dict[str, Any] = {"model": model, "messages": messages, "temperature": request.temperature,
                                  "max_tokens": request.max_output_tokens}
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if fmt == "json_schema" and request.json_schema is not None:
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "records", "schema": dict(request.json_schema), "strict": False}}
        elif fmt == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        if stream:
            kwargs["stream"] = True
            with self._lock:
                if model not in self._no_stream_options:
                    kwargs["stream_options"] = {"include_usage": True}
        if self._extra_body:
            kwargs["extra_body"] = dict(self._extra_body)
        return kwargs

    def _translate(self, exc: openai.OpenAIError, model: str) -> ProviderError:
        if isinstance(exc, openai.APITimeoutError):
            return transport_error(self.provider, "timeout", timeout=self.timeout)
        if isinstance(exc, openai.APIConnectionError):
            return transport_error(self.provider, "connection")
        if isinstance(exc, openai.APIStatusError):
            body = exc.body if isinstance(exc.body, Mapping) else {}
            detail = body.get("message") or exc.message
            return status_error(self.provider, exc.status_code, model=model, detail=detail,
                                retry_after=retry_after_from_headers(exc.response.headers), secrets=(self._key,))
        return transport_error(self.provider, "malformed")


class OpenRouterTextModel(OpenAICompatibleTextModel):
    """OpenRouter: the OpenAI-compatible adapter on OpenRouter's URL, with its attribution headers.

    Asks OpenRouter to report each call's cost in the usage (`usage.include`), so Completion.cost_usd
    is the amount OpenRouter billed.
    """

    def __init__(self, *, api_key: str | None, base_url: str = OPENROUTER_URL, timeout: float = 60.0,
                 models: Sequence[str] = (), provider: str = "openrouter") -> None:
        super().__init__(base_url=base_url, api_key=api_key, provider=provider, timeout=timeout, models=models,
                         headers={"HTTP-Referer": "https://github.com/ruvnet/agentic-synth",
                                  "X-Title": "agentic-synth"},
                         extra_body={"usage": {"include": True}})
