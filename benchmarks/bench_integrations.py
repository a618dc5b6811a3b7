"""What the integrations cost: streaming to Redis/NATS vs a JSONL file, midstreamer vs numpy, ruvector at scale.

    python benchmarks/bench_integrations.py [N] [--only streams,temporal,vectors,hnsw] [--runs 3]

N records (default 100,000) of `generate structured` (name, email, city, job, company).
- streams: the run to a jsonl file, alone and with --stream-to redis:// and nats:// (servers from
  AGENTIC_SYNTH_REDIS_URL / AGENTIC_SYNTH_NATS_URL, else started with tools/services/*.sh), runs
  alternated, medians of wall and CPU seconds;
- temporal: DTW of 500-point pairs, the midstreamer Node bridge (when installed) vs numpy;
- vectors: --vectorize-with local and ruvector (RVF), then `vectors search` from a new process and
  searches in-process;
- hnsw: a ruvector HNSW collection of min(N, 20,000) records: a record's own text first, ef_search 50/200/500.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from agentic_synth import AgenticSynth
from agentic_synth.integrations import HashingEmbedder, SqliteVectorStore

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {"name": "name", "email": "email", "city": "city", "job": "job", "company": "company"}


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its children) of one call."""
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    call()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
    return wall, cpu


def line(label: str, n: int, samples: list[tuple[float, float]], base: float | None = None) -> float:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    ratio = f"  x{wall / base:5.2f} of jsonl" if base else ""
    print(f"  {label:<34} {wall:7.2f} s wall {cpu:7.2f} s cpu  {n / wall:10,.0f} records/s{ratio}")
    return wall


def service(name: str) -> tuple[str | None, bool]:
    """The URL of a running server (from the environment, else started by tools/services), and whether we started it."""
    url = os.environ.get(f"AGENTIC_SYNTH_{name.upper()}_URL")
    if url:
        return url, False
    started = subprocess.run(["bash", str(ROOT / "tools" / "services" / f"{name}.sh"), "start"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        print(f"  ({name}: not available: {started.stderr.strip()})")
        return None, False
    exports = dict(part.split("=", 1) for part in started.stdout.replace("export ", "").split())
    return exports[f"AGENTIC_SYNTH_{name.upper()}_URL"], True


def streams(n: int, runs: int, root: Path) -> None:
    print(f"streams: {n:,} records, {runs} alternating runs, medians")
    targets = {}
    started = []
    for name in ("redis", "nats"):
        url, ours = service(name)
        if url:
            targets[name] = url
        if ours:
            started.append(name)
    samples: dict[str, list[tuple[float, float]]] = {"jsonl": [], **{k: [] for k in targets}}
    try:
        for i in range(runs):
            for label in samples:
                extra = {} if label == "jsonl" else {"stream_to": f"{targets[label]}/bench{i}{label}"}
                samples[label].append(timed(lambda extra=extra, label=label: AgenticSynth(config={}).generate(
                    "structured", schema=SCHEMA, count=n, seed=1, output=str(root / f"{label}.jsonl"), **extra)))
        base = line("jsonl file only", n, samples["jsonl"])
        for label in targets:
            line(f"+ --stream-to {label}://", n, samples[label], base)
    finally:
        for name in started:
            subprocess.run(["bash", str(ROOT / "tools" / "services" / f"{name}.sh"), "stop"], capture_output=True)


def temporal(pairs: int = 20, points: int = 500) -> None:
    from agentic_synth.adapters.integrations.midstreamer import MidstreamerTemporalAnalyzer, unavailable_reason
    from agentic_synth.adapters.integrations.temporal_numpy import NumpyTemporalAnalyzer

    print(f"temporal: {pairs} pairs of {points}-point series (DTW + LCS + edit distance each)")
    rng = np.random.default_rng(1)
    data = [(rng.normal(size=points), rng.normal(size=points)) for _ in range(pairs)]
    numpy = NumpyTemporalAnalyzer()
    wall, cpu = timed(lambda: [numpy.analyze(a, b) for a, b in data])
    print(f"  {'numpy reference':<34} {wall / pairs * 1000:7.1f} ms per pair ({cpu / pairs * 1000:.1f} ms cpu)")
    reason = unavailable_reason()
    if reason is not None:
        print(f"  (midstreamer bridge: {reason})")
        return
    with MidstreamerTemporalAnalyzer() as bridge:
        start, _ = timed(lambda: bridge.analyze([1.0], [1.0]))
        node_before = _node_cpu(bridge)
        wall, cpu = timed(lambda: [bridge.analyze(a, b) for a, b in data])
        node = _node_cpu(bridge) - node_before
    per_pair = (cpu + node) / pairs * 1000
    print(f"  {'midstreamer 0.2.5 via Node':<34} {wall / pairs * 1000:7.1f} ms per pair ({per_pair:.1f} ms cpu, "
          f"Node's included; bridge start {start:.2f} s)")


def _node_cpu(bridge: object) -> float:
    """CPU seconds the bridge's Node process has used so far (Linux /proc; 0 elsewhere)."""
    process = getattr(bridge, "_process", None)
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (AttributeError, OSError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vectors(n: int, root: Path) -> None:
    print(f"vectors: {n:,} records, HashingEmbedder (512 dimensions)")
    for label, spec in (("local (SQLite, exact)", f"local:{root / 'v.sqlite'}"),
                        ("ruvector (RVF, exact)", f"ruvector:{root / 'v.rvf'}")):
        wall, cpu = timed(lambda spec=spec: AgenticSynth(config={}).generate(
            "structured", schema=SCHEMA, count=n, seed=1, output=str(root / "v.jsonl"), vectorize_with=spec))
        print(f"  {'store ' + label:<34} {wall:7.2f} s wall {cpu:7.2f} s cpu  {n / wall:10,.0f} records/s")
        db = spec.split(":", 1)[1]
        found: list[subprocess.CompletedProcess[str]] = []
        wall, cpu = timed(lambda db=db, found=found: found.append(subprocess.run(
            [sys.executable, "-m", "agentic_synth", "vectors", "search", "--db", db, "engineer springfield",
             "--limit", "10"], capture_output=True, text=True)))
        assert found[0].returncode == 0, found[0].stderr
        print(f"  {'  vectors search, new process':<34} {wall:7.2f} s wall {cpu:7.2f} s cpu (start-up, open, query)")
    from agentic_synth.adapters.integrations.ruvector_rvf import RvfVectorStore

    for label, store in (("local", SqliteVectorStore(root / "v.sqlite", HashingEmbedder())),
                         ("ruvector RVF", RvfVectorStore(root / "v.rvf", HashingEmbedder()))):
        store.search("warm up", 10)
        wall, cpu = timed(lambda store=store: [store.search(f"engineer springfield {i}", 10) for i in range(20)])
        print(f"  {'  search in-process, ' + label:<34} {wall / 20 * 1000:7.1f} ms per query wall, "
              f"{cpu / 20 * 1000:.1f} ms cpu (top 10)")
    print(f"  files: {', '.join(f'{p.name} {p.stat().st_size / 1e6:.1f} MB' for p in sorted(root.glob('v.*')))}")


def hnsw(n: int) -> None:
    from ruvector import Collection

    from agentic_synth.adapters.integrations.embedding import embed_matrix
    from agentic_synth.adapters.integrations.hashing_embedder import record_text

    n = min(n, 20_000)
    rows = AgenticSynth(config={}).generate("structured", schema=SCHEMA, count=n, seed=4).records
    embedder = HashingEmbedder()
    vectors_, queries = embed_matrix(embedder, rows), embed_matrix(embedder, [record_text(r) for r in rows], texts=True)
    collection = Collection.create(vectors_.shape[1], metric="cosine")
    wall, _ = timed(lambda: collection.insert_batch(vectors_))
    print(f"hnsw: ruvector Collection of {n:,} records, built in {wall:.1f} s; a record's own text first:")
    index = collection._index  # the HNSW index: its search takes ef_search
    for ef in (50, 200, 500):
        started = time.perf_counter()
        hits = sum(index.search(q, 1, filter=None, ef_search=ef)[0][0] == str(i) for i, q in enumerate(queries))
        print(f"  ef_search {ef:<4} {hits / n * 100:6.2f}%   {(time.perf_counter() - started) / n * 1000:.2f} ms/query")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--only", default="streams,temporal,vectors,hnsw")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    only = set(args.only.split(","))
    print(f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory() as tmp:
        if "streams" in only:
            streams(args.n, args.runs, Path(tmp))
        if "temporal" in only:
            temporal()
        if "vectors" in only:
            vectors(args.n, Path(tmp))
        if "hnsw" in only:
            hnsw(args.n)


if __name__ == "__main__":
    main()
