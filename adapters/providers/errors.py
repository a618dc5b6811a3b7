"""Translate what a provider answered into ProviderError: one message shape, retryable set right."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any

from agentic_synth.domain.config.display import safe_text
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.secrets import redact as redact_secrets
from agentic_synth.domain.errors import ProviderError

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
_DETAIL_LIMIT = 160
_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def redact(text: str, *secrets: str | None) -> str:
    """The text with every secret (and any 'key=...' query value) replaced by '***'.

    The adapters hold revealed keys as plain strings; the replacing is the domain's `redact`.
    Values shorter than 4 characters are left alone (they would mangle ordinary words).
    """
    text = redact_secrets(text, (Secret(s) for s in secrets if s and len(s) >= 4))
    return re.sub(r"([?&]key=)[^&\s]+", r"\1***", text)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or a '1.5s' duration."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    match = _DELAY.match(text)
    if match:
        return float(match.group(1))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_from_headers(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name)
        if value is not None:
            seconds = parse_retry_after(value)
            if seconds is not None:
                return seconds / 1000 if name == "retry-after-ms" else seconds
    return None


def _detail(text: Any, secrets: tuple[str | None, ...]) -> str:
    """A provider's own words, on one line: keys masked, control characters escaped, cut to a length."""
    cleaned = safe_text(redact(" ".join(str(text or "").split()), *secrets))
    return cleaned if len(cleaned) <= _DETAIL_LIMIT else cleaned[: _DETAIL_LIMIT - 1] + "…"


def status_error(provider: str, status: int, *, model: str | None, detail: Any = "",
                 retry_after: float | None = None, key_rejected: bool = False,
                 secrets: tuple[str | None, ...] = ()) -> ProviderError:
    """`openrouter: API key rejected (401)`, `gemini: model 'x' not found (404)`, ..."""
    if key_rejected or status == 401:
        message = f"{provider}: API key rejected ({status})"
    elif status == 403:
        message = f"{provider}: access denied ({status}); check the key's permissions and region"
    elif status == 404:
        message = f"{provider}: model '{model}' not found (404)"
    elif status == 429:
        message = f"{provider}: rate limited (429)"
    elif status >= 500:
        message = f"{provider}: server error ({status})"
    else:
        shown = _detail(detail, secrets)
        message = f"{provider}: request rejected ({status})" + (f": {shown}" if shown else "")
    return ProviderError(message, provider=provider, status=status, retryable=status in RETRYABLE_STATUSES,
                         retry_after=retry_after)


def transport_error(provider: str, what: str, *, timeout: float | None = None) -> ProviderError:
    """A timeout, a dropped connection or a cut-off stream: always worth another try."""
    messages = {
        "timeout": f"{provider}: no reply within {timeout:g}s (timeout)" if timeout else f"{provider}: timed out",
        "connection": f"{provider}: connection failed or dropped",
        "truncated": f"{provider}: the reply stream was cut off",
        "malformed": f"{provider}: the reply was not valid JSON from the API",
    }
    return ProviderError(messages[what], provider=provider, retryable=True)
