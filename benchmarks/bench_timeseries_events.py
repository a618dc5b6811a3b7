"""Throughput of the time-series and event generators in memory (columnar chunks, no sink, no files).

Run: python benchmarks/bench_timeseries_events.py [--points 5000000] [--events 2000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from typing import Any

from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.container import build_container

START = "2025-01-01T00:00:00Z"
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "timeseries: 1 modelled field, 1 series": (
        "timeseries", {"timestamp": "datetime", "temperature": {
            "type": "number", "base": 20, "trend": {"change": 1.5, "per": "1d"},
            "seasonality": [{"period": "1d", "amplitude": 5}], "noise": {"std": 0.5, "ar": 0.8}}},
        {"interval": "1s"}),
    "timeseries: 3 fields, 100 series": (
        "timeseries", {"timestamp": "datetime", "temperature": {"type": "number", "min": -20, "max": 40},
                       "humidity": {"type": "integer", "min": 0, "max": 100},
                       "pressure": {"type": "number", "base": 1013, "walk": {"std": 0.05}}},
        {"interval": "1m", "series": 100}),
    "events: weighted type": (
        "events", {"type": {"enum": ["click", "view", "purchase"], "weights": [0.6, 0.3, 0.1]}},
        {"rate": "1000/sec"}),
    "events: type + payload + population": (
        "events", {"type": {"enum": ["click", "view", "purchase"], "weights": [0.6, 0.3, 0.1],
                            "payloads": {"purchase": {"amount": {"type": "number", "min": 1, "max": 500}}}},
                   "user_id": {"type": "integer", "min": 1, "max": 10**9, "population": 10_000, "skew": 1.1}},
        {"rate": "1000/sec", "diurnal": "consumer"}),
}


def measure(kind: str, schema: dict[str, Any], options: dict[str, Any], count: int) -> tuple[int, float, float]:
    """Records made, wall seconds and CPU seconds (CPU time is the fairer figure on a busy machine)."""
    container = build_container(load_plugins=False)
    synth = AgenticSynth(container=container)
    request = synth.request(kind, schema=schema, count=count if kind == "events" else None, seed=1, start=START,
                            **options, **({"duration": f"{count * _interval(options)}s"} if kind == "timeseries"
                                          else {}))
    began, cpu = time.perf_counter(), time.process_time()
    records = sum(chunk.length for chunk in container.generate_records().chunks(request))
    return records, time.perf_counter() - began, time.process_time() - cpu


def _interval(options: dict[str, Any]) -> float:
    return {"1s": 1, "1m": 60}[options["interval"]] / options.get("series", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=5_000_000, help="time-series records per case")
    parser.add_argument("--events", type=int, default=2_000_000, help="events per case")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus, "
          f"{platform.processor() or platform.platform()}")
    for name, (kind, schema, options) in CASES.items():
        count = args.points if kind == "timeseries" else args.events
        records, wall, cpu = measure(kind, schema, options, count)
        print(f"{name:<38} {records:>10,} records: wall {wall:5.2f}s = {records / wall / 1e6:5.2f}M/s, "
              f"cpu {cpu:5.2f}s = {records / cpu / 1e6:5.2f}M/s")


if __name__ == "__main__":
    main()
