"""A 3-table shop (users -> orders -> order items) to Parquet and to PostgreSQL; its users table against peers.

Run by hand (not by pytest), after `pip install -e '.[bench,postgres]'`:

    python benchmarks/bench_dataset.py                     # 100,000 users, ~400,000 orders, ~1,200,000 items
    python benchmarks/bench_dataset.py --users 10000 --repeat 1   # a quick run
    eval "$(bash tools/services/postgres.sh start)"; python benchmarks/bench_dataset.py   # PostgreSQL too

Every measurement is a fresh child process (peak RSS is that run's own, read from wait4()); the child
times its own work (wall clock and CPU time). Configurations alternate, --repeat rounds; the table
shows medians (peak RSS: the largest). PostgreSQL runs only when AGENTIC_SYNTH_POSTGRES_URL is set.

Peers for the users table (100,000 rows: id, name, unique email, signup, country, written to
Parquet in batches of 8192): Faker with a hand-written loop (the usual factory script), and a
minimal numpy + pyarrow script (names and countries drawn from lists, emails made unique by the id)
as the floor of what vectorised Python can do.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_structured import _run_child, machine  # the same child runner and machine report

BATCH = 8192
COUNTRIES = ["US", "DE", "FR", "ES", "GB", "IT", "NL", "SE", "PL", "BR"]


def shop(users: int) -> dict[str, Any]:
    return {"seed": 1, "tables": {
        "users": {"count": users, "schema": {
            "id": "integer", "name": "name", "email": {"type": "email", "unique": True},
            "signup": {"type": "datetime", "min": "2023-01-01", "max": "2025-01-01"}, "country": "country_code"}},
        "orders": {"schema": {
            "id": "integer", "user_id": {"ref": "users.id", "per_parent": {"distribution": "poisson", "mean": 4,
                                                                          "max": 30}},
            "created_at": {"type": "datetime", "after": "users.signup"},
            "status": {"enum": ["placed", "shipped", "delivered", "returned"], "weights": [1, 2, 6, 1]},
            "total": {"sum": "order_items.amount"}}},
        "order_items": {"schema": {
            "id": "integer", "order_id": {"ref": "orders.id", "per_parent": {"distribution": "poisson", "mean": 3,
                                                                            "min": 1, "max": 12}},
            "quantity": {"type": "integer", "min": 1, "max": 5}, "amount": {"type": "amount", "min": 1, "max": 400}}},
    }}


# --- the workers: each runs in its own process --------------------------------------------------

def _ours(users: int, target: str, tables: str) -> dict[str, Any]:
    from agentic_synth import AgenticSynth

    dataset = shop(users)
    if tables == "users":
        dataset["tables"] = {"users": dataset["tables"]["users"]}
    database = target.startswith("postgresql://")
    result = AgenticSynth(config={}).generate_dataset(dataset, output=target, format=None if database else "parquet",
                                                      if_exists="replace")
    return {name: {"rows": t.rows, "seconds": t.seconds} for name, t in result.metadata.tables.items()}


def _write_parquet(batches: Any, path: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for batch in batches:
        table = pa.table(batch)
        writer = writer or pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table)
    if writer is not None:
        writer.close()


def _faker_users(users: int, path: str) -> dict[str, Any]:
    import datetime as dt

    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(1)
    start, end = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)

    def batches() -> Any:
        for first in range(0, users, BATCH):
            rows = [(i + 1, fake.name(), fake.unique.email(), fake.date_time_between(start, end, dt.timezone.utc),
                     fake.country_code()) for i in range(first, min(first + BATCH, users))]
            ids, names, emails, signups, countries = zip(*rows, strict=True)
            yield {"id": list(ids), "name": list(names), "email": list(emails), "signup": list(signups),
                   "country": list(countries)}

    _write_parquet(batches(), path)
    return {"users": {"rows": users}}


def _numpy_users(users: int, path: str) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(1)
    first = np.array(["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Sara"])
    last = np.array(["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wu"])
    lo, hi = 1672531200, 1735689600

    def batches() -> Any:
        for start in range(0, users, BATCH):
            n = min(BATCH, users - start)
            ids = np.arange(start + 1, start + n + 1)
            a, b = first[rng.integers(0, len(first), n)], last[rng.integers(0, len(last), n)]
            names = np.char.add(np.char.add(a, " "), b)
            emails = np.char.add(np.char.add(np.char.lower(a), ids.astype(str)), "@example.com")
            yield {"id": pa.array(ids), "name": pa.array(names.tolist()), "email": pa.array(emails.tolist()),
                   "signup": pa.array(rng.integers(lo, hi, n) * 1_000_000, pa.timestamp("us", tz="UTC")),
                   "country": pa.array(np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n)].tolist())}

    _write_parquet(batches(), path)
    return {"users": {"rows": users}}


def worker(tool: str, users: int, target: str) -> None:
    """Time one run in this process (imports excluded) and print its figures as JSON."""
    import numpy  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    if tool.startswith("ours"):
        import agentic_synth  # noqa: F401
    elif tool == "faker-users":
        import faker  # noqa: F401
    t0, c0 = time.perf_counter(), time.process_time()
    if tool == "ours":
        tables = _ours(users, target, "all")
    elif tool == "ours-users":
        tables = _ours(users, target, "users")
    elif tool == "faker-users":
        tables = _faker_users(users, target)
    else:
        tables = _numpy_users(users, target)
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "tables": tables}))


# --- the parent ---------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", metavar="WORD", help="run only the configurations whose label holds WORD (shop, users)")
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "USERS", "TARGET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.worker[2])
        return
    postgres = os.environ.get("AGENTIC_SYNTH_POSTGRES_URL")
    configs = [("agentic-synth shop -> Parquet", "ours", "dir"),
               ("agentic-synth users -> Parquet", "ours-users", "dir"),
               ("Faker + loop users -> Parquet", "faker-users", "file"),
               ("numpy + pyarrow users -> Parquet", "numpy-users", "file")]
    if postgres:
        configs.insert(1, ("agentic-synth shop -> PostgreSQL", "ours", postgres))
    configs = [c for c in configs if args.only is None or args.only in c[0]]
    results: dict[str, list[tuple[dict[str, Any], float]]] = {label: [] for label, _, _ in configs}
    with tempfile.TemporaryDirectory() as work:
        for round_ in range(args.repeat):
            for label, tool, kind in configs:
                target = kind if kind.startswith("postgresql://") else os.path.join(
                    work, f"{tool}-{round_}" + ("" if kind == "dir" else ".parquet"))
                report, _, rss, _ = _run_child([sys.executable, __file__, "--worker", tool, str(args.users),
                                                      target])
                results[label].append((report, rss))
                print(f"  round {round_ + 1}: {label}: {report['wall']:.2f}s wall, {report['cpu']:.2f}s CPU, "
                      f"peak {rss:.0f} MB", file=sys.stderr, flush=True)
    print(table(results, args.users, machine()))


def _median_rate(reports: list[dict[str, Any]], name: str) -> float:
    return statistics.median(r["tables"][name]["rows"] / r["tables"][name]["seconds"] for r in reports)


def table(results: dict[str, list[tuple[dict[str, Any], float]]], users: int, info: dict[str, str]) -> str:
    lines = [f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']}; Python {info['python']}; "
             f"agentic-synth {info['agentic-synth']}, pyarrow {info['pyarrow']}, faker {info['faker']}; "
             f"load {info['load']}; {time.strftime('%Y-%m-%d')}", "",
             "| run | rows | wall s | client CPU s | rows/s (client CPU) | per table rows/s (wall) | peak RSS MB |",
             "|---|---:|---:|---:|---:|---|---:|"]
    users_cpu: dict[str, float] = {}
    for label, runs in results.items():
        reports = [r for r, _ in runs]
        wall = statistics.median(r["wall"] for r in reports)
        cpu = statistics.median(r["cpu"] for r in reports)
        rows = sum(t["rows"] for t in reports[0]["tables"].values())
        per_table = ", ".join(f"{name} {_median_rate(reports, name):,.0f}" for name, t in reports[0]["tables"].items()
                              if "seconds" in t)
        if "users" in label:
            users_cpu[label] = cpu
        lines.append(f"| {label} | {rows:,} | {wall:.2f} | {cpu:.2f} | {rows / cpu:,.0f} | {per_table or '-'} | "
                     f"{max(rss for _, rss in runs):.0f} |")
    ours = users_cpu.get("agentic-synth users -> Parquet")
    if ours:
        lines += ["", f"Users table ({users:,} rows), CPU time ratios in the same run: " + ", ".join(
            f"{label.split(' users')[0]} / agentic-synth = {cpu / ours:.2f}x" for label, cpu in users_cpu.items()
            if not label.startswith("agentic-synth"))]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
