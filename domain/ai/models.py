"""What the application asks of an AI model and what comes back (provider-neutral values)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.cache.keys import CachePolicy, CacheScope


def _optional_policy(value: Any) -> CachePolicy | None:
    return None if value is None else CachePolicy.parse(value)


@attrs.frozen
class ModelRequest:
    """One call: which model (None lets a router choose), the prompt, and generation settings.

    `json_schema` asks for structured output where the provider supports it; `kind` and
    `purpose` ("records", "plan") let routers and caches tell calls apart. `cache_scope` is part
    of the cache key (a CacheScope, or any text); `cache_policy` overrides the cache's default
    for this call (None keeps it). `hand_over_after` (seconds; set by a router that has another model
    to fall back to): a model throttled with a longer Retry-After fails the call at once instead of
    waiting. None of these three is sent to a provider.
    """

    prompt: str
    model: str | None = None
    provider: str | None = None
    system: str | None = None
    max_output_tokens: int = 4096
    temperature: float = 0.7
    json_schema: Mapping[str, Any] | None = None
    json_output: bool = True
    seed: int | None = None
    kind: str = "structured"
    purpose: str = "records"
    cache_scope: str | CacheScope = ""
    cache_policy: CachePolicy | None = attrs.field(default=None, converter=_optional_policy)
    hand_over_after: float | None = None


@attrs.frozen
class Completion:
    """A model's reply with its usage; `cost_usd` is None when the price is unknown.

    `usage_known` is False when the provider reported no usage, or counts that are not whole numbers
    >= 0 (the tokens then read 0, and a budget layer charges the most the request allowed).
    """

    text: str
    model: str
    provider: str
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    finish_reason: str | None = None
    cost_usd: float | None = 0.0
    cached: bool = False
    usage_known: bool = True


@attrs.frozen
class TextDelta:
    """A piece of a streamed reply; the last one carries usage and `done=True`.

    `cached` is True when the reply was replayed from the response cache (it cost nothing);
    `cost_usd` is the cost of the whole reply when a budget layer priced it (on the last piece);
    `finish_reason` is why the provider stopped (on the last piece; "length" means cut off);
    `usage_known` as on Completion (on the last piece).
    """

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    done: bool = False
    cached: bool = False
    cost_usd: float | None = None
    finish_reason: str | None = None
    usage_known: bool = True
