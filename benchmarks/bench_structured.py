"""Structured records to JSONL: agentic-synth against Mimesis and Faker, same fields, same run.

Run by hand (not by pytest), after `pip install -e '.[bench]'`:

    python benchmarks/bench_structured.py                 # defaults: 1,000,000 ours, 100,000 Mimesis, 20,000 Faker
    python benchmarks/bench_structured.py --quick         # a smoke run in a few seconds (no bench extra needed)
    python benchmarks/bench_structured.py --limit         # ratios to the numpy reference scripts, each format
    python benchmarks/bench_structured.py --scaling       # 10k, 100k, 1M, 10M records, each format: records/s, peak RSS
    python benchmarks/bench_structured.py --scaling 10000,100000 --repeat 1   # other counts, one run each

`--limit` runs the CLI on benchmarks/schemas/users13.json (the 13-field user schema) in every format
and the reference scripts (reference_jsonl.py: numpy + orjson; reference_parquet.py: numpy + pyarrow)
on the same columns, alternating, and reports whole-process CPU time ratios (medians). `--scaling` runs
the CLI on users13 for each count and format (the formats alternating within a count, --repeat times):
CPU and wall medians, peak RSS the largest.

Before measuring, the package's folders (and benchmarks/) are byte-compiled, as pip compiles an
installed wheel (benchmarks/precompile.py): an editable install under PYTHONDONTWRITEBYTECODE would
otherwise compile every module it loads from source in every run.

Every measurement is a fresh child process (so peak RSS is that run's own): the child times its own
work (wall clock and CPU time), the parent reads the child's peak RSS from wait4(). Each
configuration runs --repeat times; the table shows medians (peak RSS: the largest). "CLI" rows time
the whole `agentic-synth` command from outside, interpreter start-up and imports included.

The schema is benchmarks/schemas/users12.json: id, first and last name, a unique email, phone,
age (normal), city, postcode, company, a datetime, a weighted enum and an amount. Mimesis and Faker
make the same fields with their own providers and write them with orjson, in batches, the fastest
way we know for them; their ids are a counter (cheaper than our keyed permutation).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from precompile import compile_package

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "schemas" / "users12.json"
BATCH = 8192
SCALING = "10000,100000,1000000,10000000"
PLANS = {"free": 0.7, "pro": 0.25, "enterprise": 0.05}
PLANS_ORDERED = OrderedDict(PLANS)


# --- the workers: each runs in its own process --------------------------------------------------

def _mimesis_records(count: int, seed: int) -> Iterator[dict[str, Any]]:
    from mimesis import Address, Datetime, Finance, Person
    from mimesis.locales import Locale

    person, address = Person(Locale.EN, seed=seed), Address(Locale.EN, seed=seed)
    finance, when = Finance(Locale.EN, seed=seed), Datetime(Locale.EN, seed=seed)
    rnd = person.random
    seen: set[str] = set()  # Mimesis refuses email(unique=True) on a seeded provider: redraw repeats

    def email() -> str:
        while (value := person.email()) in seen:
            pass
        seen.add(value)
        return value

    for i in range(count):
        yield {
            "id": i + 1, "first_name": person.first_name(), "last_name": person.last_name(),
            "email": email(), "phone": person.phone_number(),
            "age": min(90, max(18, round(rnd.gauss(38, 12)))), "city": address.city(),
            "postcode": address.postal_code(), "company": finance.company(),
            "signup": when.datetime(start=2024, end=2024).isoformat(timespec="seconds") + "Z",
            "plan": rnd.weighted_choice(PLANS), "balance": finance.price(0, 5000),
        }


def _faker_records(count: int, seed: int) -> Iterator[dict[str, Any]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rnd = fake.random
    lo, hi = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    for i in range(count):
        yield {
            "id": i + 1, "first_name": fake.first_name(), "last_name": fake.last_name(),
            "email": fake.unique.email(), "phone": fake.phone_number(),
            "age": min(90, max(18, round(rnd.gauss(38, 12)))), "city": fake.city(),
            "postcode": fake.postcode(), "company": fake.company(),
            "signup": fake.date_time_between(lo, hi, tzinfo=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "plan": fake.random_element(PLANS_ORDERED), "balance": round(rnd.uniform(0, 5000), 2),
        }


TAGS13 = ["new", "vip", "beta", "churn-risk", "staff"]


def _mimesis13_records(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """benchmarks/schemas/users13.json's fields with Mimesis (datetimes as UTC instants, dates as dates)."""
    from mimesis import Address, Cryptographic, Datetime, Person
    from mimesis.locales import Locale

    person, address, when = Person(Locale.EN, seed=seed), Address(Locale.EN, seed=seed), Datetime(Locale.EN, seed=seed)
    crypto = Cryptographic(seed=seed)
    rnd = person.random
    lo, span = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), 366 * 86400
    for _ in range(count):
        yield {
            "id": crypto.uuid(),
            "first_name": person.first_name(), "last_name": person.last_name(), "email": person.email(),
            "age": rnd.randint(18, 90), "score": round(rnd.uniform(0, 100), 2),
            "plan": rnd.weighted_choice(PLANS), "active": rnd.random() < 0.5,
            "created_at": lo + dt.timedelta(seconds=rnd.randint(0, span)),
            "birthday": when.date(start=1950, end=2005), "city": address.city(),
            "phone": None if rnd.random() < 0.2 else person.phone_number(),
            "tags": rnd.sample(TAGS13, rnd.randint(0, 3)),
        }


def _faker13_records(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """benchmarks/schemas/users13.json's fields with Faker."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rnd = fake.random
    lo, hi = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    for _ in range(count):
        yield {
            "id": fake.uuid4(), "first_name": fake.first_name(), "last_name": fake.last_name(), "email": fake.email(),
            "age": rnd.randint(18, 90), "score": round(rnd.uniform(0, 100), 2),
            "plan": fake.random_element(PLANS_ORDERED), "active": rnd.random() < 0.5,
            "created_at": fake.date_time_between(lo, hi, tzinfo=dt.timezone.utc),
            "birthday": fake.date_between(dt.date(1950, 1, 1), dt.date(2005, 12, 31)), "city": fake.city(),
            "phone": None if rnd.random() < 0.2 else fake.phone_number(),
            "tags": rnd.sample(TAGS13, rnd.randint(0, 3)),
        }


def _write(records: Iterator[dict[str, Any]], path: str) -> None:
    """A peer's records to JSONL, CSV or Parquet, the fastest plain way: orjson, csv, pyarrow per batch."""
    if path.endswith(".jsonl"):
        _write_jsonl(records, path)
        return
    import itertools

    if path.endswith(".csv"):
        import csv

        import orjson

        with open(path, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            first = next(records, None)
            if first is None:
                return
            out.writerow(first)
            for record in itertools.chain([first], records):
                out.writerow([orjson.dumps(v).decode() if isinstance(v, list) else
                              v.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, dt.datetime) else
                              "" if v is None else str(v).lower() if isinstance(v, bool) else v
                              for v in record.values()])
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    while batch := list(itertools.islice(records, BATCH * 8)):
        table = pa.Table.from_pylist(batch)
        writer = writer or pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(table)
    if writer is not None:
        writer.close()


def _write_jsonl(records: Iterator[dict[str, Any]], path: str) -> None:
    import orjson

    with open(path, "wb") as fh:
        batch: list[bytes] = []
        for record in records:
            batch.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            if len(batch) == BATCH:
                fh.write(b"".join(batch))
                batch = []
        fh.write(b"".join(batch))


def _ours(count: int, seed: int, path: str, schema: str) -> None:
    from agentic_synth import AgenticSynth

    AgenticSynth().generate("structured", schema=schema, count=count, seed=seed, output=path)


def worker(tool: str, count: int, seed: int, path: str, schema: str) -> None:
    """Time one run in this process and print {"wall": s, "cpu": s, "import": s} as JSON."""
    started, cpu0 = time.perf_counter(), time.process_time()
    if tool == "agentic-synth":
        import agentic_synth  # noqa: F401  (import time reported apart)
    elif tool.startswith("mimesis"):
        import mimesis  # noqa: F401
    else:
        import faker  # noqa: F401
    imported = time.perf_counter() - started
    t0, c0 = time.perf_counter(), time.process_time()
    if tool == "agentic-synth":
        _ours(count, seed, path, schema)
    elif tool.endswith("13"):  # the users13 fields, in the format the path says
        _write((_mimesis13_records if tool == "mimesis13" else _faker13_records)(count, seed), path)
    else:
        _write_jsonl((_mimesis_records if tool == "mimesis" else _faker_records)(count, seed), path)
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "import": imported,
                      "total_cpu": time.process_time() - cpu0}))


# --- the parent ---------------------------------------------------------------------------------

def _run_child(argv: list[str]) -> tuple[dict[str, Any], float, float, float]:
    """Run a child: (its JSON report or {}, wall seconds seen from outside, peak RSS MB, CPU seconds)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    outside = time.perf_counter() - started
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child failed: {' '.join(argv)}\n{err.decode()}")
    report = json.loads(out.decode().strip().splitlines()[-1]) if out.strip() else {}
    return report, outside, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(label: str, argv_for: Callable[[str], list[str]], count: int, repeat: int, workdir: str,
            ext: str = "jsonl") -> dict[str, Any]:
    walls, cpus, rss = [], [], []
    for i in range(repeat):
        path = os.path.join(workdir, f"out-{label.replace(' ', '_')}-{i}.{ext}")
        report, outside, peak, child_cpu = _run_child(argv_for(path))
        walls.append(report.get("wall", outside))
        cpus.append(report.get("cpu", child_cpu))
        rss.append(peak)
        size = os.path.getsize(path)
        os.unlink(path)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    row = {"label": label, "records": count, "wall": wall, "cpu": cpu, "rate_wall": count / wall,
           "rate_cpu": count / cpu, "rss": max(rss), "bytes": size, "walls": walls}
    print(f"  {label}: {row['rate_wall']:,.0f} rec/s wall, {row['rate_cpu']:,.0f} rec/s CPU, "
          f"peak {row['rss']:.0f} MB", file=sys.stderr, flush=True)
    return row


def machine() -> dict[str, str]:
    info = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines()
                            if ln.startswith("Model name")), "?")
    except OSError:
        info["cpu"] = platform.processor() or "?"
    info["cores"] = str(os.cpu_count())
    with open("/proc/meminfo") as fh:
        info["ram"] = f"{int(fh.readline().split()[1]) / 2**20:.1f} GiB"
    for pkg in ("agentic-synth", "numpy", "orjson", "pyarrow", "mimesis", "faker"):
        with contextlib.suppress(PackageNotFoundError):
            info[pkg] = version(pkg)
    info["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000, help="records for agentic-synth")
    ap.add_argument("--mimesis-count", type=int, default=100_000)
    ap.add_argument("--faker-count", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--schema", default=str(SCHEMA))
    ap.add_argument("--formats", default="jsonl,csv,json,parquet", help="agentic-synth CLI formats to time")
    ap.add_argument("--quick", action="store_true", help="small counts, one repetition")
    ap.add_argument("--limit", action="store_true", help="ratios to the numpy reference scripts (users13)")
    ap.add_argument("--scaling", nargs="?", const=SCALING, default=None, metavar="COUNTS",
                    help=f"the scaling table for these counts (default {SCALING})")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.count, args.seed, args.out, args.schema)
        return
    if args.quick:
        args.count, args.mimesis_count, args.faker_count, args.repeat = 50_000, 5_000, 2_000, 1
    print(compile_package(), file=sys.stderr)
    if args.limit:
        print(limit_report(args.count, args.repeat, args.seed, args.mimesis_count, args.faker_count))
        return
    if args.scaling:
        print(scaling_report([int(c) for c in args.scaling.split(",")], args.seed, args.repeat))
        return
    peers = [tool for tool in ("mimesis", "faker") if _installed(tool)]
    me = [sys.executable, str(Path(__file__).resolve())]
    cli = [str(Path(sys.executable).with_name("agentic-synth"))]
    before = machine()
    print(f"machine: {json.dumps(before)}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        def child(tool: str, count: int) -> Callable[[str], list[str]]:
            return lambda out: [*me, "--worker", tool, "--count", str(count), "--seed", str(args.seed),
                                "--schema", args.schema, "--out", out]

        def command(fmt: str) -> Callable[[str], list[str]]:
            return lambda out: [*cli, "-q", "generate", "structured", "--schema", args.schema,
                                "-n", str(args.count), "--seed", str(args.seed), "-o", out]

        rows.append(measure("agentic-synth (SDK, in process)", child("agentic-synth", args.count), args.count,
                            args.repeat, work))
        rows.append(measure("agentic-synth CLI jsonl", command("jsonl"), args.count, args.repeat, work))
        if "mimesis" in peers:
            rows.append(measure("Mimesis", child("mimesis", args.mimesis_count), args.mimesis_count, args.repeat, work))
        if "faker" in peers:
            rows.append(measure("Faker", child("faker", args.faker_count), args.faker_count, args.repeat, work))
        if len(peers) < 2:
            print("note: Mimesis/Faker not installed (pip install -e '.[bench]'): their rows are skipped",
                  file=sys.stderr)
        for fmt in args.formats.split(","):
            if fmt and fmt != "jsonl":
                rows.append(measure(f"agentic-synth CLI {fmt}", command(fmt), args.count, args.repeat, work, fmt))
    after = machine()["load"]
    print(report(rows, before, after))


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


REFERENCES = {"jsonl": "reference_jsonl.py", "parquet": "reference_parquet.py"}
SCHEMA13 = HERE / "schemas" / "users13.json"


def _cli(fmt: str, count: int, seed: int, out: str) -> list[str]:
    return [str(Path(sys.executable).with_name("agentic-synth")), "-q", "generate", "structured", "--schema",
            str(SCHEMA13), "-n", str(count), "--seed", str(seed), "-o", out]


def _limit_runs(count: int, peer_count: int, faker_count: int, seed: int) -> list[tuple[str, str, int, Any]]:
    """(label, format, records, argv for an output path) of every run of the same-run report."""
    me = [sys.executable, str(Path(__file__).resolve())]

    def worker_run(tool: str, n: int) -> Any:
        return lambda out: [*me, "--worker", tool, "--count", str(n), "--seed", str(seed), "--schema", str(SCHEMA13),
                            "--out", out]

    def reference(script: str, *extra: str) -> Any:
        return lambda out: [sys.executable, str(HERE / script), "--count", str(count), "--seed", str(seed),
                            "--out", out, *extra]

    runs: list[tuple[str, str, int, Any]] = []
    for fmt in ("jsonl", "csv", "parquet"):
        runs.append((f"agentic-synth CLI {fmt}", fmt, count, lambda out, f=fmt: _cli(f, count, seed, out)))
    for fmt in ("jsonl", "parquet"):
        runs.append((f"agentic-synth SDK {fmt}", fmt, count, worker_run("agentic-synth", count)))
    runs += [("numpy + orjson jsonl", "jsonl", count, reference("reference_jsonl.py")),
             ("numpy + pyarrow csv", "csv", count, reference("reference_parquet.py", "--csv")),
             ("numpy + pyarrow parquet", "parquet", count, reference("reference_parquet.py"))]
    if _installed("mimesis"):
        runs += [(f"Mimesis {fmt}", fmt, peer_count, worker_run("mimesis13", peer_count))
                 for fmt in ("jsonl", "csv", "parquet")]
    if _installed("faker"):
        runs.append(("Faker jsonl", "jsonl", faker_count, worker_run("faker13", faker_count)))
    return runs


def limit_report(count: int, repeat: int, seed: int, peer_count: int = 100_000, faker_count: int = 10_000) -> str:
    """Every run of _limit_runs once per repetition, in turn; medians of whole-process CPU, ratios per record."""
    runs = _limit_runs(count, peer_count, faker_count, seed)
    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    rss: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-limit-") as work:
        for _ in range(repeat):
            for label, fmt, _n, argv in runs:
                out = os.path.join(work, f"out.{fmt}")
                _, outside, peak, used = _run_child(argv(out))
                os.unlink(out)
                cpu.setdefault(label, []).append(used)
                wall.setdefault(label, []).append(outside)
                rss[label] = max(rss.get(label, 0.0), peak)
                print(f"  {label}: {used:.2f} s CPU, {outside:.2f} s wall, {peak:.0f} MB", file=sys.stderr, flush=True)
    records = {label: n for label, _, n, _ in runs}
    per = {k: statistics.median(v) / records[k] for k, v in cpu.items()}  # CPU seconds per record

    def ratio(label: str, base: str, text: str) -> str:
        return f"{per[label] / per[base]:.2f} × {text}" if base in per else ""

    lines = [f"benchmarks/schemas/users13.json, whole-process CPU and wall (medians of {repeat} runs taken in turn), "
             f"peak RSS the largest; {machine_line()}", "",
             "| run | records | wall s | CPU s | records/s (CPU) | peak RSS MB | same-run ratio (CPU per record) |",
             "|---|---:|---:|---:|---:|---:|---|"]
    reference = {"jsonl": "numpy + orjson jsonl", "csv": "numpy + pyarrow csv", "parquet": "numpy + pyarrow parquet"}
    for label, fmt, n, _ in runs:
        notes = []
        if label.startswith("agentic-synth CLI"):
            notes.append(ratio(label, reference[fmt], reference[fmt].rsplit(" ", 1)[0]))
            if f"Mimesis {fmt}" in per:
                notes.append(f"{per[f'Mimesis {fmt}'] / per[label]:.1f} × faster than Mimesis")
            if fmt == "jsonl" and "Faker jsonl" in per:
                notes.append(f"{per['Faker jsonl'] / per[label]:.0f} × faster than Faker")
            if fmt == "csv":
                notes.append(ratio(label, "agentic-synth CLI jsonl", "our JSONL"))
        elif label.startswith("agentic-synth SDK"):
            notes.append(ratio(label, f"agentic-synth CLI {fmt}", "the CLI"))
        lines.append(f"| {label} | {n:,} | {statistics.median(wall[label]):.2f} | {statistics.median(cpu[label]):.2f} "
                     f"| {1 / per[label]:,.0f} | {rss[label]:.0f} | {'; '.join(x for x in notes if x)} |")
    return "\n".join(lines)


def scaling_report(counts: list[int], seed: int, repeat: int = 1) -> str:
    """The CLI per count and format: wall and CPU seconds (whole process, medians), records/s (CPU), peak RSS
    (the largest); the formats alternate within a count, `repeat` rounds."""
    formats = ("jsonl", "csv", "parquet")
    lines = [f"benchmarks/schemas/users13.json, the CLI, whole process, medians of {repeat} run(s) taken in turn, "
             f"peak RSS the largest; {machine_line()}", "",
             "| records | format | wall s | CPU s | records/s (CPU) | peak RSS MB |", "|---:|---|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work:
        for count in counts:
            cpu: dict[str, list[float]] = {fmt: [] for fmt in formats}
            wall: dict[str, list[float]] = {fmt: [] for fmt in formats}
            rss: dict[str, float] = dict.fromkeys(formats, 0.0)
            for _ in range(repeat):
                for fmt in formats:
                    out = os.path.join(work, f"out.{fmt}")
                    _, outside, peak, used = _run_child(_cli(fmt, count, seed, out))
                    os.unlink(out)
                    cpu[fmt].append(used)
                    wall[fmt].append(outside)
                    rss[fmt] = max(rss[fmt], peak)
                    print(f"  {count:,} {fmt}: {outside:.1f} s wall, {used:.1f} s CPU, {peak:.0f} MB", file=sys.stderr,
                          flush=True)
            for fmt in formats:
                used = statistics.median(cpu[fmt])
                lines.append(f"| {count:,} | {fmt} | {statistics.median(wall[fmt]):.2f} | {used:.2f} "
                             f"| {count / used:,.0f} | {rss[fmt]:.0f} |")
    lines.append(f"(load average after: {machine()['load']})")
    return "\n".join(lines)


def machine_line() -> str:
    info = machine()
    return (f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, numpy {info['numpy']}, "
            f"pyarrow {info['pyarrow']}, load {info['load']}, {dt.date.today().isoformat()}")


def report(rows: list[dict[str, Any]], info: dict[str, str], load_after: str) -> str:
    by = {r["label"]: r for r in rows}
    mim, fak = by.get("Mimesis"), by.get("Faker")
    lines = [
        f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, Python {info['python']}; "
        f"agentic-synth {info['agentic-synth']}, numpy {info['numpy']}, orjson {info['orjson']}, "
        f"pyarrow {info['pyarrow']}, Mimesis {info.get('mimesis', '-')}, Faker {info.get('faker', '-')}; "
        f"load average before {info['load']}, after {load_after}",
        "",
        "| run | records | wall s | records/s (wall) | CPU s | records/s (CPU) | × Mimesis (CPU) | × Faker (CPU) "
        "| peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        vs_mim = f"{r['rate_cpu'] / mim['rate_cpu']:.1f}" if mim else "-"
        vs_fak = f"{r['rate_cpu'] / fak['rate_cpu']:.1f}" if fak else "-"
        lines.append(f"| {r['label']} | {r['records']:,} | {r['wall']:.2f} | {r['rate_wall']:,.0f} | {r['cpu']:.2f} "
                     f"| {r['rate_cpu']:,.0f} | {vs_mim} | {vs_fak} | {r['rss']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
