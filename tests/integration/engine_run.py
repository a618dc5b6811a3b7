"""Run the built-in structured engine directly (no container, no sink) for engine tests."""

from __future__ import annotations

from typing import Any

from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema


def records(payload: dict[str, Any], count: int, *, seed: int = 1, locale: str = "en_US") -> list[dict[str, Any]]:
    request = GenerationRequest(kind="structured", schema=Schema.from_payload(payload), count=count, seed=seed,
                                locale=locale)
    return [row for chunk in StructuredGenerator().chunks(request) for row in chunk.rows()]


def column(payload: dict[str, Any], count: int, name: str, **kw: Any) -> list[Any]:
    return [r[name] for r in records(payload, count, **kw)]
