"""A process that writes to the persistent response cache (kept light: spawned children import it)."""

from __future__ import annotations

from agentic_synth.adapters.cache.sqlite import SqliteResponseCache
from agentic_synth.adapters.clock import SystemClock


def write_entries(path: str, worker: int, count: int) -> None:
    """Write `count` entries of this worker and read those of the next one, as a batch run would."""
    cache = SqliteResponseCache(path, clock=SystemClock(), max_entries=None, timeout=30)
    for i in range(count):
        cache.set(f"w{worker}-{i}", {"worker": worker, "i": i, "text": "x" * 200})
        cache.get(f"w{(worker + 1) % 4}-{i}")
    cache.close()
