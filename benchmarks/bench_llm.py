"""llm mode and text columns against the realistic fake model (tests/servers/realistic.py): does a run finish, how
many calls does it make, and how well does it keep the provider's 8 request slots busy.

The server answers like a real model: 800 ms + 20 ms per record, 8 requests in service at once, 30-70 % of the
records asked for, fences, prose, trailing commas, Python literals, cuts at max_tokens, empty replies, common
names, 1 % verbatim repeats and 3 % off-schema values. Every run goes through the SDK, the real openai client and
HTTP on 127.0.0.1, with the cache off.

Run from the repository root: PYTHONPATH=. python benchmarks/bench_llm.py [--scale 1.0] [--runs 1] [--text 10000]
`--scale` multiplies the latencies (0.1 for a quick look); `--no-anchors` adds runs without per-record anchors.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import time
from typing import Any

from agentic_synth import AgenticSynth
from agentic_synth.application.anchors import AnchorStream
from agentic_synth.domain.errors import AgenticSynthError
from agentic_synth.entrypoints.container import build_container
from tests.servers.realistic import Profile, RealisticModelServer

USERS = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**7}, "name": "name",
         "email": {"type": "email", "unique": True}, "age": {"type": "integer", "min": 18, "max": 90},
         "plan": {"type": "enum", "enum": ["free", "pro", "team"], "weights": [0.6, 0.3, 0.1]},
         "signup": {"type": "date", "min": "2023-01-01", "max": "2024-12-31"}, "active": "boolean",
         "bio": "sentence"}
REVIEWS = {"id": {"type": "uuid", "unique": True},
           "product": {"type": "enum", "enum": ["kettle", "toaster", "blender"], "weights": [0.5, 0.3, 0.2]},
           "rating": {"type": "integer", "min": 1, "max": 5},
           "review": {"type": "text", "maxLength": 300,
                      "llm": "a two-sentence review consistent with rating and product"}}
SLOTS = 8


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_run(profile: Profile, schema: dict[str, Any], count: int, mode: str) -> dict[str, Any]:
    with RealisticModelServer(profile) as server:
        container = build_container(load_plugins=False, providers={"local": {
            "baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": SLOTS}})
        synth = AgenticSynth(container=container)
        started, cpu = time.perf_counter(), _cpu()
        stopped = ""
        try:
            meta = synth.generate("structured", schema=schema, count=count, model="m", mode=mode, seed=7,
                                  cache_policy="none").metadata
        except AgenticSynthError as error:  # a stop is a result too: how far did it get, and why not further
            meta, stopped = error.metadata, str(error).split(":", 1)[0]
        wall, cpu = time.perf_counter() - started, _cpu() - cpu
        calls, sent, in_flight, top = (len(server.completion_requests), server.records_sent,
                                       server.in_flight_mean(), server.max_in_flight)
    duplicates = next((int(n.split(" and ")[1].split()[0]) for n in meta.notes if n.startswith("dropped ")), 0)
    return {"records": meta.records, "wall": wall, "cpu": cpu, "calls": calls, "per100": 100 * calls / count,
            "in_flight": in_flight, "max_in_flight": top, "dup_rate": duplicates / sent if sent else 0.0,
            "dropped": meta.dropped, "sent": sent, "stopped": stopped}


def report(label: str, runs: list[dict[str, Any]]) -> None:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"{label:<34} records {runs[0]['records']:>6,}  wall {med('wall'):6.2f}s  cpu {med('cpu'):5.2f}s  "
          f"calls {med('calls'):5.0f} ({med('per100'):4.1f}/100)  in flight {med('in_flight'):4.2f} of {SLOTS} "
          f"(max {med('max_in_flight'):.0f})  duplicates dropped {100 * med('dup_rate'):4.2f}% of returned"
          + "".join(f"  [stopped: {r['stopped']}]" for r in runs if r["stopped"]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="latency scale (1.0: 800 ms + 20 ms/record)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--counts", default="500,2000")
    parser.add_argument("--text", type=int, default=10_000, help="rows for the text-columns run (0: none)")
    parser.add_argument("--no-anchors", action="store_true", help="also run llm mode without per-record anchors")
    args = parser.parse_args()
    profile = Profile(base_latency=0.8 * args.scale, per_record_latency=0.02 * args.scale)
    print(f"realistic fake model: {profile.base_latency * 1000:.0f} ms + {profile.per_record_latency * 1000:.0f} ms"
          f"/record, {profile.slots} slots; median of {args.runs} run(s)")
    for count in (int(c) for c in args.counts.split(",") if c):
        report(f"llm, {count} records", [one_run(profile, USERS, count, "llm") for _ in range(args.runs)])
        if args.no_anchors:
            original = AnchorStream.for_request
            AnchorStream.for_request = classmethod(lambda cls, expand, request: None)  # type: ignore[assignment]
            try:
                report(f"llm, {count} records, no anchors",
                       [one_run(profile, USERS, count, "llm") for _ in range(args.runs)])
            finally:
                AnchorStream.for_request = original  # type: ignore[method-assign]
    if args.text:
        common = dataclasses.replace(profile, common_names=False)
        report(f"text columns (hybrid), {args.text} rows",
               [one_run(common, REVIEWS, args.text, "hybrid") for _ in range(args.runs)])


if __name__ == "__main__":
    main()
