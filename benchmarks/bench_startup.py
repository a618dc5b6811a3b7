"""Start-up: `agentic-synth --version` and a one-record `generate`, against bare Python and a minimal script.

Run by hand (not by pytest), in the project's venv:

    python benchmarks/bench_startup.py              # 15 rounds
    python benchmarks/bench_startup.py --rounds 5   # a quicker look
    python benchmarks/bench_startup.py --baseline OTHER/bin/agentic-synth [--baseline-path DIR]
                                                    # the same commands of another build, in the same rounds

Every measurement is a fresh child process. The rounds alternate the commands (A B C D, A B C D, ...)
so that a noisy neighbour slows all of them alike; the table shows medians of wall time, of CPU time
(the child's own user + system time, from wait4) and the largest peak RSS. Ratios are taken within the
same run: against `python -c pass` (the interpreter alone) and against a minimal script that imports
numpy and orjson and writes one JSON line (what any numpy-based generator pays at least).

Targets (issue 13, on an idle core): `--version` <= 150 ms wall, `generate structured --count 1` <= 300 ms.
On a busy machine wall time grows with the load; CPU time is the steadier figure. The package is
byte-compiled first (benchmarks/precompile.py), as an installed wheel is.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from precompile import compile_package

MINIMAL = ("import sys, numpy, orjson; rng = numpy.random.default_rng(1); "
           "sys.stdout.buffer.write(orjson.dumps({'id': int(rng.integers(1 << 30))}) + b'\\n')")
SCHEMA = '{"id": "uuid", "name": "name", "age": {"type": "integer", "min": 18, "max": 90}}'
Command = tuple[list[str], dict[str, str]]  # argv, extra environment


def _cli_commands(cli: str, label: str, env: dict[str, str]) -> dict[str, Command]:
    return {f"{label} --version": ([cli, "--version"], env),
            f"{label} generate structured --count 1": (
                [cli, "-q", "generate", "structured", "--count", "1", "--seed", "1", "-s", SCHEMA], env)}


def _commands(cli: str, baseline: str | None, baseline_path: str | None) -> dict[str, Command]:
    commands: dict[str, Command] = {"python -c pass": ([sys.executable, "-c", "pass"], {}),
                                    "minimal numpy + orjson script": ([sys.executable, "-c", MINIMAL], {}),
                                    **_cli_commands(cli, "agentic-synth", {})}
    if baseline is not None:
        commands.update(_cli_commands(baseline, "baseline", {"PYTHONPATH": baseline_path} if baseline_path else {}))
    return commands


def _run(argv: list[str], cwd: str, extra: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **extra}
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY"):
        env.pop(name, None)
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode() if child.stderr is not None else ""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}... exited {child.returncode}: {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--baseline", metavar="EXE", help="another build's agentic-synth to measure alongside")
    parser.add_argument("--baseline-path", metavar="DIR", help="PYTHONPATH for the baseline (its dependencies)")
    args = parser.parse_args()
    cli = shutil.which("agentic-synth", path=str(Path(sys.executable).parent)) or shutil.which("agentic-synth")
    if cli is None:
        raise SystemExit("agentic-synth is not installed in this environment (pip install -e .)")
    commands = _commands(cli, args.baseline, args.baseline_path)
    print(f"# {compile_package()}")
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cwd:  # no .agentic-synth.json or .env of the caller's
        for argv, extra in commands.values():  # one warm-up each: the page cache, not the first run, is measured
            _run(argv, cwd, extra)
        for _ in range(args.rounds):
            for name, (argv, extra) in commands.items():
                results[name].append(_run(argv, cwd, extra))
    load = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d')}, {platform.machine()} {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
          f"{args.rounds} alternating rounds, medians")
    base_cpu = statistics.median(r[1] for r in results["python -c pass"])
    minimal_cpu = statistics.median(r[1] for r in results["minimal numpy + orjson script"])
    print("| command | wall ms | CPU ms | peak RSS MB | CPU × python | CPU × minimal script |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs) * 1000
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(f"| `{name}` | {wall:.0f} | {cpu * 1000:.0f} | {rss:.0f} | {cpu / base_cpu:.1f} | "
              f"{cpu / minimal_cpu:.2f} |")


if __name__ == "__main__":
    main()
