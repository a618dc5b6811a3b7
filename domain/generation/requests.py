"""GenerationRequest: one validated ask for records, and the parsing of durations and rates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.shards import RecordRange, Shard
from agentic_synth.domain.schema.schema import Schema

MODES = ("engine", "llm", "hybrid")
CHUNK_SIZE = 8192  # part of the seed contract: changing it changes seeded output

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hour|d|day|w|week)s?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600,
                 "d": 86400, "day": 86400, "w": 604800, "week": 604800}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$", re.IGNORECASE)
_RATE_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600,
                 "hour": 3600, "d": 86400, "day": 86400}


def parse_duration(text: Any, what: str = "duration") -> float:
    """'500ms', '1s', '5m', '1h', '7d' -> seconds (> 0)."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text > 0:
        return float(text)
    match = _DURATION.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"{what}: '{text}' is not a duration; use a number and a unit: 500ms, 1s, 5m, 1h, 1d, 1w")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def parse_rate(text: Any, what: str = "rate") -> float:
    """'100/sec', '5/min', '2/h' -> events per second (> 0)."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text > 0:
        return float(text)
    match = _RATE.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"{what}: '{text}' is not a rate; "
                         "use a number per unit: 100/sec, 100/s, 5/min, 5/m, 2/hour, 2/h")
    return float(match.group(1)) / _RATE_SECONDS[match.group(2).lower()]


@attrs.frozen
class GenerationRequest:
    """What to generate: a kind (a registered generator), a schema, how many, the seed and options.

    `cache_policy` (None: the configured one) is how model calls of llm and hybrid runs use the cache.
    """

    kind: str
    schema: Schema
    count: int | None
    seed: int
    options: Mapping[str, Any] = attrs.field(factory=dict)
    mode: str = "engine"
    locale: str = "en_US"
    ai: AISettings | None = None  # the model, prompt and examples of llm and hybrid modes
    cache_policy: CachePolicy | None = None
    part: Shard | RecordRange | None = None  # only these records of the job (`--shard I/N`, a part file)
    notes: tuple[str, ...] = ()  # what checking the request found worth telling (options that do nothing here)

    def __attrs_post_init__(self) -> None:
        if self.count is not None and (isinstance(self.count, bool) or self.count < 0):
            raise UsageError(f"count must be a whole number >= 0, got {self.count}")
        if self.mode not in MODES:
            raise UsageError(f"mode '{self.mode}' is not one of {', '.join(MODES)}")

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)
