"""Run the slow fuzz profile and write its figures to docs/reliability.md.

    python tools/reliability.py                  # run `pytest -m fuzz_slow tests/fuzz -n 2`, then write the page
    python tools/reliability.py --from DIR       # write the page from figures a run already left in DIR
    python tools/reliability.py --scale 0.1      # a tenth of every figure (a quick look; not for the page)

The run is made in survey mode (a broken promise is counted and the run goes on), so every promise
gets its full number of tries; the exit code is pytest's (non-zero when anything broke).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.promises import PROMISES  # noqa: E402  (the repository root goes on the path first)

PAGE = ROOT / "docs" / "reliability.md"


def run_profile(directory: Path, scale: float) -> tuple[int, float, float]:
    """(pytest's exit code, wall seconds, CPU seconds of the run and its children)."""
    env = {**os.environ, "AGENTIC_SYNTH_FUZZ_FIGURES": str(directory), "AGENTIC_SYNTH_FUZZ_SURVEY": "1",
           "AGENTIC_SYNTH_FUZZ_SCALE": str(scale)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-m", "fuzz_slow", "-p", "no:cacheprovider",
               "tests/fuzz"]
    code = subprocess.call(command, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, time.monotonic() - started, cpu


def collect(directory: Path) -> dict[str, Any]:
    """The figures of every test process, added up."""
    tried: Counter[tuple[str, str]] = Counter()
    held: Counter[tuple[str, str]] = Counter()
    runs: Counter[str] = Counter()
    broken: list[dict[str, Any]] = []
    for path in sorted(directory.glob("figures-*.json")):
        data = json.loads(path.read_text("utf-8"))
        runs.update(data["runs"])
        for row in data["promises"]:
            tried[row["suite"], row["promise"]] += row["tried"]
            held[row["suite"], row["promise"]] += row["held"]
        broken.extend(data["broken"])
    return {"tried": tried, "held": held, "runs": runs, "broken": broken}


def render(figures: dict[str, Any], *, wall_s: float | None, cpu_s: float | None, scale: float) -> str:
    tried, held, runs = figures["tried"], figures["held"], figures["runs"]
    suites = sorted(runs)
    lines = [
        "# Reliability",
        "",
        "What agentic-synth promises under hostile input, and how hard the fuzz suite (`tests/fuzz/`) tried to",
        "break each promise. The figures are those of the slow profile (`pytest -m fuzz_slow tests/fuzz`; `.ci/run`",
        "runs it with `AGENTIC_SYNTH_FUZZ_SLOW=1`), written by `python tools/reliability.py`; the default test suite",
        "runs a fast profile of the same tests (a few dozen examples each, the same ones every time).",
        "",
        "## What we promise",
        "",
        "| promise | what it means |",
        "|---|---|",
        *[f"| `{name}` | {text} |" for name, text in PROMISES.items()],
        "",
        "## How it was tried",
        "",
        "- **schemas**: compact schemas, JSON Schemas and schemas aimed at the limits (deep nesting, 20,000",
        "  fields, sizes in the billions, extreme and non-finite numbers, precision with multipleOf, `after`",
        "  cycles, dotted-name clashes, costly or broken patterns, mixed enums), by two paths:",
        "  - `schemas (compact)`, `schemas (JSON Schema)`, `schemas (limits)`: the command. Each example is a",
        "    schema file given to `generate structured` in a random format, then `validate` of the file it wrote,",
        "    both run by `cli.main` in a long-lived child process (tests/fuzz/runner.py: the code the",
        "    executable runs once its launcher is done, without an interpreter start per run; 20 s and 3 GiB",
        "    of address space per run, a child that does not answer is killed and counted as a hang);",
        "  - `schemas (SDK)`: most of the examples, the same compact and JSON Schema strategies given as Python",
        "    objects to `AgenticSynth.generate(..., output=..., format=...)` in the test process, the file then",
        "    read back and judged by the functions `validate` calls (`read_records`, `record_checker`); 20 s",
        "    (SIGALRM), 2 GiB more address space and a 90 s watchdog per example. No command line is parsed",
        "    on this path: the CLI's own promises (one `error:` line, exit codes) are tried by the first;",
        "- **providers**: llm runs against a local OpenAI-compatible server (tests/servers/faulty.py) that plays a",
        "  random sequence of faults: negative, huge, fractional and non-numeric usage, no usage, dropped",
        "  connections, bodies and SSE streams cut midway, 429/500/503, a 403 after other replies, escapes, NULs",
        "  and lone surrogates in records, escapes and a key in an error body, invalid UTF-8, cut-off and empty",
        "  replies; with random counts, batch sizes, concurrency, retries, budgets, formats and reply streaming;",
        "  the server keeps its own bill (every attempt that reached generation, whether the client got it or not);",
        "- **interrupts**: SIGINT or SIGTERM at a random moment of a real `python -m agentic_synth generate`",
        "  process (engine to a file, `--stream`, stdout; llm runs): during the run, and during start-up (from",
        "  the package's first line); and of `batch generate` (thread and process executors);",
        "- **configs**, **command lines**, **batch files**: random and hostile files and argument lists (pasted",
        "  keys, `${VAR}` of a secret, terminal escapes, lone surrogates, wrong shapes), through the command",
        "  (the CLI child above); providers too.",
        "",
        "## Figures",
        "",
        "Tried: how many times a run gave the promise a chance to break; held: how many times it did not.",
        "",
        "| promise | " + " | ".join(suites) + " | all |",
        "|---|" + "---:|" * (len(suites) + 1),
        "| runs | " + " | ".join(f"{runs[s]:,}" for s in suites) + f" | {sum(runs.values()):,} |",
    ]
    for promise in PROMISES:
        cells = [f"{held[s, promise]:,} / {tried[s, promise]:,}" if tried[s, promise] else "–" for s in suites]
        all_tried = sum(tried[s, promise] for s in suites)
        all_held = sum(held[s, promise] for s in suites)
        lines.append(f"| `{promise}` | " + " | ".join(cells) + f" | {all_held:,} / {all_tried:,} |")
    total_tried, total_held = sum(tried.values()), sum(held.values())
    lines += [
        "",
        f"In all: {sum(runs.values()):,} runs, {total_held:,} of {total_tried:,} tries held "
        f"({len(figures['broken'])} broken).",
        "",
    ]
    if figures["broken"]:
        lines += ["### Broken", "", *[f"- {b['suite']}, `{b['promise']}`: {b['detail'][:200]!r}"
                                     for b in figures["broken"][:30]], ""]
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    took = (f"; {wall_s / 60:.1f} min wall, {cpu_s / 60:.1f} min CPU with `-n 2`" if wall_s is not None and cpu_s
            is not None else "")
    lines += [f"Measured {when} on {machine}{took}" + (f"; scale {scale:g}" if scale != 1 else "") + ".", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", help="write the page from the figures in this directory")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the slow profile to run")
    parser.add_argument("--out", default=str(PAGE), help="where to write the page")
    args = parser.parse_args(argv)
    code, wall, cpu = 0, None, None
    if args.source:
        directory = Path(args.source)
    else:
        directory = Path(tempfile.mkdtemp(prefix="reliability-"))
        code, wall, cpu = run_profile(directory, args.scale)
    Path(args.out).write_text(render(collect(directory), wall_s=wall, cpu_s=cpu, scale=args.scale), "utf-8")
    print(f"wrote {args.out}")
    return code


if __name__ == "__main__":
    sys.exit(main())
