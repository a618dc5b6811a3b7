"""Scaling out: one big job into Parquet parts, 1 vs 2 workers (local pool and Dask), and memory in count.

Run: python benchmarks/bench_scale.py [--count 10000000] [--repeat 1] [--memory 250000,1000000,4000000]
     (the Dask rows need `pip install 'agentic-synth[dask]'`)

Each case is the CLI in a fresh process (`generate structured --output DIR/ --parallel N --executor E`),
so a worker's start-up is in its wall time. Peak RSS is each process's VmHWM, polled from /proc every
0.1 s over the run's process tree (Linux); "worker" is the largest of the workers, "main" the CLI itself.
The memory rows write one Parquet file in one process with a unique email and a unique uuid: the peak
must not grow with the count (uniqueness remembers nothing).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCHEMA = str(Path(__file__).parent / "schemas" / "users12.json")
UNIQUE = '{"id": {"type": "uuid", "unique": true}, "email": {"type": "email", "unique": true}, "name": "name", ' \
         '"age": "integer", "signup": "datetime"}'


def _children(root: int) -> list[int]:
    """root and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def _hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(args: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds of the tree, peak RSS (MB) of the main process and of the largest worker."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "agentic_synth", "-q", *args], stdout=subprocess.DEVNULL)
    peaks: dict[int, float] = {}
    while process.poll() is None:
        for pid in _children(process.pid):
            peaks[pid] = max(peaks.get(pid, 0.0), _hwm_mb(pid))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(args)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    main_peak = peaks.pop(process.pid, 0.0)
    return wall, cpu, main_peak, max(peaks.values(), default=0.0)


def scale_rows(count: int, repeat: int) -> None:
    print(f"\n## {count:,} records to Parquet parts (users12: 12 fields, a unique id and a unique email)")
    print(f"{'executor':<10} {'workers':>7} {'wall s':>8} {'cpu s':>8} {'records/s':>12} {'speed-up':>9} "
          f"{'main MB':>8} {'worker MB':>10}")
    executors = ["local"]
    try:
        import distributed  # noqa: F401

        executors.append("dask")
    except ImportError:
        print("(dask rows skipped: pip install 'agentic-synth[dask]')")
    for executor in executors:
        base = None
        for workers in (1, 2):
            best = None
            for _ in range(repeat):
                with tempfile.TemporaryDirectory() as out:
                    got = run(["generate", "structured", "-s", SCHEMA, "-n", str(count), "--seed", "1",
                               "-o", f"{out}/", "--parallel", str(workers), "--executor", executor,
                               *(["--scheduler", "dask:local"] if executor == "dask" else [])])
                best = got if best is None or got[0] < best[0] else best
            assert best is not None
            base = base or best[0]
            print(f"{executor:<10} {workers:>7} {best[0]:>8.1f} {best[1]:>8.1f} {count / best[0]:>12,.0f} "
                  f"{base / best[0]:>8.2f}x {best[2]:>8.0f} {best[3]:>10.0f}")


def memory_rows(counts: list[int]) -> None:
    print("\n## one process, one Parquet file, a unique uuid and a unique email: peak RSS by count")
    print(f"{'records':>10} {'wall s':>8} {'peak MB':>8}")
    for count in counts:
        with tempfile.TemporaryDirectory() as out:
            wall, _, peak, _ = run(["generate", "structured", "-s", UNIQUE, "-n", str(count), "--seed", "1",
                                    "-o", f"{out}/users.parquet"])
        print(f"{count:>10,} {wall:>8.1f} {peak:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory", default="250000,1000000,4000000")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}")
    memory_rows([int(c) for c in args.memory.split(",") if c])
    if not args.skip_scale:
        scale_rows(args.count, args.repeat)


if __name__ == "__main__":
    main()
