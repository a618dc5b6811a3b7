"""A batch of engine jobs run sequentially, in threads and in worker processes (what `--executor` picks).

Run: python benchmarks/bench_batch.py [--jobs 4] [--count 200000] [--parallel 2] [--repeat 3]

Each job writes users-like records (12 fields) to its own file; the jobs rotate through csv,
parquet, jsonl and json. The figure is the batch's wall time, best of --repeat runs; the
process executor's time includes starting its workers (each imports numpy and pyarrow once).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.container import build_container

SCHEMA = str(Path(__file__).parent / "schemas" / "users12.json")
FORMATS = ("csv", "parquet", "jsonl", "json")


def run(executor: str, parallel: int, jobs: int, count: int) -> float:
    synth = AgenticSynth(container=build_container(load_plugins=False))
    batch = {"seed": 1, "jobs": [{"name": f"job{i}", "kind": "structured", "schema": SCHEMA, "count": count,
                                  "format": FORMATS[i % len(FORMATS)]} for i in range(jobs)]}
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = synth.batch(batch, output_dir=out, parallel=parallel, executor=executor)
        seconds = time.perf_counter() - started
    assert result.ok and result.records == jobs * count
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}; {args.jobs} jobs x {args.count:,} records")
    cases = [("sequential (thread, parallel 1)", "thread", 1), (f"threads, parallel {args.parallel}", "thread",
                                                                 args.parallel),
             (f"processes, parallel {args.parallel}", "process", args.parallel)]
    for label, executor, parallel in cases:
        best = min(run(executor, parallel, args.jobs, args.count) for _ in range(args.repeat))
        rate = args.jobs * args.count / best
        print(f"{label:<36} {best:7.2f} s  {rate:>12,.0f} records/s")


if __name__ == "__main__":
    main()
