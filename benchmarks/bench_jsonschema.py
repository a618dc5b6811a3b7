"""JSON Schema coverage and speed: agentic-synth against hypothesis-jsonschema and jsf, same schemas, same run.

Run by hand (not by pytest), after `pip install -e '.[test,bench]'`:

    python benchmarks/bench_jsonschema.py                      # real-world corpus, all three tools
    python benchmarks/bench_jsonschema.py --corpus suite2020   # the JSON-Schema-Test-Suite, draft 2020-12
    python benchmarks/bench_jsonschema.py --quick              # a smoke run: a few schemas, few records

For every schema of the corpus and every tool, a fresh child process (forked, so imports are warm)
builds the tool's generator from the schema and makes --records records; the parent gives each child
--timeout seconds. Every record is judged by the real `jsonschema` library (declared draft, format
checker on; OpenAPI component schemas by openapi-schema-validator), see tests/jsonschema_corpus.py.

- accepted: the tool produced records (no error, no time-out);
- valid: every one of its records validates;
- records/s: records over the CPU time of the whole call, schema in, records out (so each tool's own
  set-up, such as hypothesis-jsonschema's canonicalisation or our compile, is included).
  Speed is compared on the schemas that all tools accept and get 100% valid: the median, over those
  schemas, of our records/s divided by the peer's.

agentic-synth is given the schema as a user would: the file path (with `#/pointer` for a component).
The peers take a dict: the pointed-to schema with its document's definitions attached, so that local
`$ref`s resolve; references to sibling files are theirs to resolve (neither does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.jsonschema_corpus import Case, realworld_cases, resolve_pointer, suite_cases  # noqa: E402

TOOLS = ("agentic-synth", "hypothesis-jsonschema", "jsf")


def bundled(case: Case) -> Any:
    """The dict a peer is given: the schema, with its document's definitions when it is a pointer."""
    if not isinstance(case.schema, str):
        return case.schema
    path, _, pointer = case.schema.partition("#")
    root = json.loads(Path(path).read_text())
    if not pointer:
        return root
    node = dict(resolve_pointer(case.schema))
    for key in ("definitions", "$defs", "components"):
        if key in root and key not in node:
            node[key] = root[key]
    return node


# --- the samplers: schema in, records out ------------------------------------------------------

_WARM: dict[str, Any] = {}


def warm(tools: list[str]) -> None:
    """Import every tool and build our SDK once in the parent: the forked children start warm, so what is
    timed is the schema's own work (compile or canonicalise, then draw), as in a program making many."""
    if "agentic-synth" in tools:
        from agentic_synth import AgenticSynth

        _WARM["synth"] = AgenticSynth()
        _WARM["synth"].generate("structured", schema={"type": "object", "properties": {"a": {"type": "integer"}}},
                                count=2, seed=1)
    if "hypothesis-jsonschema" in tools:
        import hypothesis_jsonschema  # noqa: F401
    if "jsf" in tools:
        import jsf  # noqa: F401


def _ours(case: Case, n: int, seed: int, as_dict: bool) -> list[Any]:
    schema = bundled(case) if as_dict else case.schema
    records: list[Any] = _WARM["synth"].generate("structured", schema=schema, count=n, seed=seed).records
    return records


def _hypothesis(case: Case, n: int, seed: int, as_dict: bool) -> list[Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis_jsonschema import from_schema

    out: list[Any] = []
    strategy = from_schema(bundled(case))

    @hseed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


def _jsf(case: Case, n: int, seed: int, as_dict: bool) -> list[Any]:
    import random

    from jsf import JSF

    random.seed(seed)
    records = JSF(bundled(case)).generate(n)
    return list(records) if n > 1 else [records]


SAMPLERS: dict[str, Callable[[Case, int, int, bool], list[Any]]] = {
    "agentic-synth": _ours, "hypothesis-jsonschema": _hypothesis, "jsf": _jsf}


def _child(tool: str, case: Case, n: int, seed: int, as_dict: bool, timeout: float, conn: Any) -> None:
    warnings.simplefilter("ignore")
    cpu_limit = int(time.process_time() + timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 5))  # a CPU-time budget: fair on a busy machine
    try:
        start = time.process_time()
        records = SAMPLERS[tool](case, n, seed, as_dict)
        cpu = time.process_time() - start
    except BaseException as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else ""
        conn.send({"accepted": False, "error": f"{type(exc).__name__}: {first}"})
        return
    bad = [e for r in records for e in case.check(r)[:1]]
    conn.send({"accepted": True, "records": len(records), "invalid": len(bad), "cpu": cpu,
               "first_error": bad[0][:200] if bad else None})


def measure(tool: str, case: Case, n: int, seed: int, timeout: float, as_dict: bool) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(tool, case, n, seed, as_dict, timeout, child))
    proc.start()
    child.close()
    result: dict[str, Any] = {"accepted": False, "error": f"time-out ({timeout:.0f} s of CPU)"}
    if parent.poll(timeout * 30):
        try:
            result = parent.recv()
        except EOFError:
            result = {"accepted": False, "error": f"time-out ({timeout:.0f} s of CPU) or crash"}
    proc.kill()
    proc.join()
    result["valid"] = bool(result.get("accepted") and result.get("records") and not result.get("invalid"))
    return result


def cases_of(corpus: str) -> list[Case]:
    if corpus == "realworld":
        return list(realworld_cases())
    if corpus == "suite2020":
        return list(suite_cases("draft2020-12"))
    if corpus == "suite7":
        return list(suite_cases("draft7"))
    raise SystemExit(f"unknown corpus {corpus}")


def summarise(results: dict[str, dict[str, dict[str, Any]]], tools: list[str], total: int) -> list[str]:
    lines = ["| tool | schemas accepted | schemas with 100% valid records |", "|---|---|---|"]
    for tool in tools:
        accepted = sum(r[tool]["accepted"] for r in results.values())
        valid = sum(r[tool]["valid"] for r in results.values())
        lines.append(f"| {tool} | {accepted} / {total} | {valid} / {total} |")
    common = [name for name, r in results.items() if all(r[t]["valid"] for t in tools)]
    lines.append("")
    lines.append(f"Speed on the {len(common)} schemas every tool gets 100% valid (records/s, CPU time):")
    lines.append("")
    lines.append("| tool | median records/s | median of ratios (agentic-synth / tool) |")
    lines.append("|---|---|---|")
    for tool in tools:
        rates = [results[c][tool]["records"] / max(results[c][tool]["cpu"], 1e-9) for c in common]
        ratios = [results[c]["agentic-synth"]["records"] / max(results[c]["agentic-synth"]["cpu"], 1e-9)
                  / (results[c][tool]["records"] / max(results[c][tool]["cpu"], 1e-9)) for c in common]
        if rates:
            lines.append(f"| {tool} | {statistics.median(rates):,.0f} | {statistics.median(ratios):,.1f}x |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="realworld", choices=("realworld", "suite2020", "suite7"))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--records", type=int, default=100, help="records per schema and tool")
    parser.add_argument("--timeout", type=float, default=60.0, help="CPU seconds per schema and tool")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-dict", action="store_true", help="give agentic-synth the bundled dict too")
    parser.add_argument("--only", default="", help="a substring of the case names to run")
    parser.add_argument("--sample", type=int, default=1, help="every Nth schema of the corpus (a quicker run)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="write every result here")
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    cases = [c for c in cases_of(args.corpus) if args.only in c.name][::args.sample]
    if args.quick:
        cases, args.records, args.timeout = cases[:5], 10, 20.0
    warm(tools)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for case in cases:
        results[case.name] = {t: measure(t, case, args.records, args.seed, args.timeout, args.as_dict)
                              for t in tools}
        row = "  ".join(f"{t}={'ok' if r['valid'] else ('invalid' if r['accepted'] else 'refused')}"
                        + (f" {r['records'] / max(r['cpu'], 1e-9):,.0f}/s" if r.get("valid") else "")
                        for t, r in results[case.name].items())
        print(f"{case.name[:60]:60s} {row}", file=sys.stderr, flush=True)
        if args.json:  # after every schema: a long run stopped early still leaves its results
            args.json.write_text(json.dumps({"corpus": args.corpus, "records": args.records,
                                             "results": results}, indent=1) + "\n")
    versions = {t: version(t) for t in tools}
    print(f"# bench_jsonschema: corpus {args.corpus} (every {args.sample}. schema), {len(cases)} schemas, "
          f"{args.records} records each, {args.timeout:.0f} s of CPU per tool and schema "
          f"({dt.date.today()}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()})")
    print("versions: " + ", ".join(f"{t} {v}" for t, v in versions.items()))
    print()
    print("\n".join(summarise(results, tools, len(cases))))
    if args.json:
        args.json.write_text(json.dumps({"corpus": args.corpus, "records": args.records, "versions": versions,
                                         "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
