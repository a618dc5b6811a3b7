"""Hybrid mode at scale: 1,000,000 records from a handful of (fake, instant) model calls, in memory.

Run from the repository root: PYTHONPATH=. python benchmarks/bench_hybrid.py [COUNT]
"""

from __future__ import annotations

import json
import sys
import time

from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.container import build_container
from tests.containers import swap_providers
from tests.fakes import FakeTextModel

SCHEMA = {"id": "uuid", "product": "product_name", "review": "sentence", "channel": {"enum": ["web", "store"]},
          "price": "number", "stars": {"type": "integer", "min": 1, "max": 5}}


def plan(request):
    if "pool" in request.cache_scope:
        return json.dumps({"values": [f"value {i}" for i in range(100)]})
    return json.dumps({"fields": {"channel": {"weights": {"web": 3, "store": 1}},
                                  "price": {"min": 5, "max": 500, "mean": 60, "std": 30},
                                  "stars": {"mean": 4, "std": 1}}})


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    fake = FakeTextModel(default=plan)
    container = build_container(load_plugins=False, cache={"enabled": False},
                                providers={"local": {"baseUrl": "http://127.0.0.1:9/v1", "models": ["m"]}})
    swap_providers(container, fake)  # the whole model stack runs, over a fake provider adapter
    synth = AgenticSynth(container=container)
    started = time.perf_counter()
    n = sum(1 for _ in synth.generate_stream("structured", schema=SCHEMA, count=count, model="m",
                                              mode="hybrid", seed=1))
    seconds = time.perf_counter() - started
    print(f"hybrid: {n:,} records, {fake.calls} model calls, {seconds:.2f}s, {n / seconds:,.0f} records/s")


if __name__ == "__main__":
    main()
