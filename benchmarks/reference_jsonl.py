"""The physical limit for JSONL: the 13-field user schema with numpy, written with orjson, nothing else.

    python benchmarks/reference_jsonl.py --count 1000000 --out /tmp/ref.jsonl

Prints {"wall": s, "cpu": s} for the work after imports (bench_structured.py also takes the whole
process's CPU time from outside). Columns come from reference_draws.py; this file turns them into
Python values the direct way (`tolist`, f-strings for emails) and encodes each chunk's records with
one orjson call (as agentic-synth does; `--per-record` calls orjson once a record, which on glibc costs
about twice the CPU, most of it in the allocator's system calls).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
import orjson
from reference_draws import CHUNK, NAMES, PLANS, TAGS, Vocab, draw

APPEND = orjson.OPT_APPEND_NEWLINE


def emails(c: dict, v: Vocab) -> list[str]:
    out = []
    for a, b, s, k, d in zip(v.first_folded[c["first"]].tolist(), v.last_folded[c["last"]].tolist(),
                             c["style"].tolist(), c["number"].tolist(), v.domains[c["domain"]].tolist(),
                             strict=True):
        out.append(f"{a}.{b}@{d}" if s == 0 else f"{a[0]}{b}@{d}" if s == 1 else
                   f"{a}{b}{k}@{d}" if s == 2 else f"{a}_{b}{k}@{d}")
    return out


def chunk_lines(rng: np.random.Generator, v: Vocab, n: int, per_record: bool) -> bytes:
    c = draw(rng, v, n)
    phones = np.array(c["phone"].decode().split("\x1f"), dtype=object)
    phones[c["phone_null"]] = None
    flat, offsets = TAGS[c["tags"]].tolist(), c["tag_offsets"].tolist()
    columns = (
        c["id"].astype(np.uint32).view("<U36").ravel().tolist(),
        v.first[c["first"]].tolist(), v.last[c["last"]].tolist(), emails(c, v),
        c["age"].tolist(), c["score"].tolist(), PLANS[c["plan"]].tolist(), c["active"].tolist(),
        np.datetime_as_string(c["created_at"].astype("datetime64[s]"), timezone="UTC").tolist(),
        np.datetime_as_string(c["birthday"].astype("datetime64[D]")).tolist(),
        v.cities[c["city"]].tolist(), phones.tolist(),
        [flat[a:b] for a, b in itertools.pairwise(offsets)],
    )
    rows = [dict(zip(NAMES, row, strict=True)) for row in zip(*columns, strict=True)]
    if per_record:
        return b"".join(orjson.dumps(row, option=APPEND) for row in rows)
    # one orjson call per chunk, split into lines (no value can hold `},{"id":`: its quote is escaped)
    return orjson.dumps(rows)[1:-1].replace(b'},{"id":', b'}\n{"id":') + b"\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-record", action="store_true",
                    help="one orjson call per record (the plain way; slower, mostly in malloc) instead of per chunk")
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    rng, vocab = np.random.default_rng(args.seed), Vocab()
    with open(args.out, "wb") as fh:
        for offset in range(0, args.count, CHUNK):
            fh.write(chunk_lines(rng, vocab, min(CHUNK, args.count - offset), args.per_record))
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
