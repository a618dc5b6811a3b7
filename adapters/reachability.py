"""A cheap reachability check of an AI provider: list its models over httpx (no tokens spent)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import attrs
import httpx

from agentic_synth.domain.config.secrets import Secret, redact
from agentic_synth.domain.config.settings import ProviderSettings

MAX_TIMEOUT_S = 10.0


@attrs.frozen
class Reachability:
    """Whether the provider answered as expected, and a short human-readable detail."""

    ok: bool
    detail: str


def models_url(provider: ProviderSettings) -> str:
    """The provider's model-list endpoint: Gemini's `/v1beta/models`, else `<baseUrl>/models`."""
    base = (provider.base_url or "").rstrip("/")
    if provider.type == "gemini" and not urlsplit(base).path.rstrip("/").endswith(("/v1beta", "/v1")):
        return f"{base}/v1beta/models"
    return f"{base}/models"


def _headers(provider: ProviderSettings, key: Secret) -> dict[str, str]:
    if not key.is_set:
        return {}
    if provider.type == "gemini":
        return {"x-goog-api-key": key.reveal()}
    return {"Authorization": f"Bearer {key.reveal()}"}


def check_provider(provider: ProviderSettings, key: Secret, *, transport: httpx.BaseTransport | None = None
                   ) -> Reachability:
    """GET the model list once (the key goes in a header, never in the URL)."""
    url = models_url(provider)
    started = time.monotonic()
    try:
        with httpx.Client(transport=transport, timeout=min(provider.timeout, MAX_TIMEOUT_S)) as client:
            response = client.get(url, headers=_headers(provider, key))
    except httpx.HTTPError as exc:
        reason = redact(str(exc), [key]) or type(exc).__name__
        return Reachability(False, f"unreachable at {url}: {reason}")
    ms = (time.monotonic() - started) * 1000
    status = response.status_code
    if status in (401, 403):
        return Reachability(False, f"reachable at {url}, but the key was refused (HTTP {status})")
    if status >= 400:
        return Reachability(False, f"{url} answered HTTP {status}")
    return Reachability(True, f"reachable at {url} (HTTP {status}, {ms:.0f} ms)")
