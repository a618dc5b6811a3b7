"""Helpers for the generator tests: run a generator through the SDK's request path, collect columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.container import Container


def columns(container: Container, kind: str, schema: dict[str, Any], *, seed: int = 7, count: int | None = None,
            **options: Any) -> dict[str, list[Any]]:
    """All records of a run, column-wise (no files)."""
    synth = AgenticSynth(container=container)
    request = synth.request(kind, schema=schema, seed=seed, count=count, **options)
    out: dict[str, list[Any]] = {}
    for chunk in container.generate_records().chunks(request):
        for name, values in chunk.columns.items():
            out.setdefault(name, []).extend(values)
    return out


def epoch_seconds(stamps: list[str]) -> np.ndarray:
    """ISO-8601 'Z' texts to float seconds since the epoch."""
    return np.array([dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps])


def lag1(x: np.ndarray) -> float:
    x = x - x.mean()
    return float(np.dot(x[:-1], x[1:]) / np.dot(x, x))
