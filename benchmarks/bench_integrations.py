"""What the integrations cost on top of a plain engine run: streaming, embedding, storing, searching.

    python benchmarks/bench_integrations.py [N]

Runs `generate structured` (name, email, city, job, company) N times over (default 100,000 records):
plain to a jsonl file, with --stream-to jsonl:PATH, with --vectorize-with local:PATH and
ruvector:PATH (when installed); then times searches in each store.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from agentic_synth import AgenticSynth
from agentic_synth.integrations import HashingEmbedder, RuvectorVectorStore, SqliteVectorStore

SCHEMA = {"name": "name", "email": "email", "city": "city", "job": "job", "company": "company"}


def run(label: str, n: int, **options: object) -> None:
    started = time.perf_counter()
    AgenticSynth(config={}).generate("structured", schema=SCHEMA, count=n, seed=1, **options)
    seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds:7.2f} s  {n / seconds:10,.0f} records/s")


def search(label: str, store: object, queries: int = 50) -> None:
    started = time.perf_counter()
    for i in range(queries):
        store.search(f"engineer springfield {i}", 10)  # type: ignore[attr-defined]
    print(f"{label:<34} {(time.perf_counter() - started) / queries * 1000:7.1f} ms per query (top 10)")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run("plain (jsonl file)", n, output=str(root / "a.jsonl"))
        run("+ --stream-to jsonl:FILE", n, output=str(root / "b.jsonl"), stream_to=f"jsonl:{root / 's.jsonl'}")
        run("+ --vectorize-with local", n, output=str(root / "c.jsonl"), vectorize_with=f"local:{root / 'v.sqlite'}")
        search("search local (exact)", SqliteVectorStore(root / "v.sqlite", HashingEmbedder()))
        if importlib.util.find_spec("ruvector") is not None:
            run("+ --vectorize-with ruvector", n, output=str(root / "d.jsonl"),
                vectorize_with=f"ruvector:{root / 'v.db'}")
            started = time.perf_counter()
            store = RuvectorVectorStore(root / "v.db", HashingEmbedder())
            print(f"{'ruvector load':<34} {time.perf_counter() - started:7.2f} s")
            search("search ruvector (HNSW)", store)


if __name__ == "__main__":
    main()
