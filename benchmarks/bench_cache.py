"""Response cache costs: key hashing, in-memory get/set, SQLite get/set (single process).

    python benchmarks/bench_cache.py [N]

A hit must cost nothing next to a model call (hundreds of milliseconds); this shows how far from
that each part is.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.adapters.cache.sqlite import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import CacheScope, exact_key
from agentic_synth.domain.schema.schema import Schema

SCHEMA = Schema.from_payload({f"field_{i}": {"type": "integer", "min": 0, "max": i + 10} for i in range(20)})
REPLY = {"format": 1, "text": '[{"a": 1}]' * 400, "model": "gpt-4o-mini", "provider": "openai", "tokens_in": 900,
         "tokens_out": 2000, "finish_reason": "stop", "cost_usd": 0.0012, "purpose": "records",
         "kind": "structured", "created": 0.0}


def timed(label: str, n: int, action: Callable[[int], object]) -> None:
    started = time.perf_counter()
    for i in range(n):
        action(i)
    seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds / n * 1e6:9.1f} µs/op  ({n / seconds:,.0f} ops/s)")


def main(n: int) -> None:
    requests = [ModelRequest(prompt="Return 50 records." * 20, model="gpt-4o-mini", provider="openai", seed=1,
                             cache_scope=CacheScope(template_version="v1", schema=SCHEMA, seed=1, batch_index=i,
                                                    batch_size=50, count=10_000)) for i in range(n)]
    timed("exact_key (20-field schema)", n, lambda i: exact_key(requests[i]))
    keys = [exact_key(r) for r in requests]
    memory = InMemoryResponseCache(clock=SystemClock(), max_entries=n)
    timed("memory set (4 KB reply)", n, lambda i: memory.set(keys[i], REPLY))
    timed("memory get (hit)", n, lambda i: memory.get(keys[i]))
    with tempfile.TemporaryDirectory() as directory:
        disk = SqliteResponseCache(directory, clock=SystemClock(), max_entries=n)
        timed("sqlite set (4 KB reply)", n, lambda i: disk.set(keys[i], REPLY))
        timed("sqlite get (hit)", n, lambda i: disk.get(keys[i]))
        timed("sqlite get (miss)", n, lambda i: disk.get("missing"))
        disk.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
