"""The promises the fuzz suite tries to break, and the tally of tries and holds that docs/reliability.md reports.

Each check records one try of a promise (and whether it held) in `FIGURES`, then asserts it, so
hypothesis shrinks a broken promise to its smallest example. With AGENTIC_SYNTH_FUZZ_FIGURES set to
a directory, each test process writes its tally there when the session ends (tools/reliability.py
adds them up).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from tests.fuzz.runner import Outcome

PROMISES = {
    "clear-errors": "Bad input gets one `error:` line (no traceback) and exit 2",
    "no-internal-errors": "No internal error (exit 70), crash or escaped exception",
    "no-hangs": "Every run ends within its time limit",
    "valid-records": "Every record written satisfies the schema (`agentic-synth validate` agrees)",
    "whole-files": "No half-written file: an output is whole or absent, no temporary file is left",
    "no-key-leak": "No key, or key-shaped value, is echoed to the terminal or written to a file",
    "clean-terminal": "No raw control character or escape sequence reaches the terminal",
    "budget-held": "What the provider billed never passes the budget",
    "spend-reported": "The spend reported is never less than what the provider billed",
    "counts-agree": "The closing line's record count equals the records in the file",
    "interrupts": "An interrupt ends the run with exit 130 and one line",
}
_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Survey mode (tools/reliability.py): a broken promise is counted and the run goes on, so the figures
# cover every example; the test still fails at its end (tests/fuzz/conftest.py).
SURVEY = os.environ.get("AGENTIC_SYNTH_FUZZ_SURVEY") == "1"


class Figures:
    """Tries and holds per promise and per suite (thread-safe)."""

    def __init__(self) -> None:
        self.tried: Counter[tuple[str, str]] = Counter()
        self.held: Counter[tuple[str, str]] = Counter()
        self.runs: Counter[str] = Counter()
        self.broken: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def run(self, suite: str) -> None:
        with self._lock:
            self.runs[suite] += 1

    def check(self, suite: str, promise: str, ok: bool, detail: Any = "") -> None:
        assert promise in PROMISES, promise
        with self._lock:
            self.tried[suite, promise] += 1
            if ok:
                self.held[suite, promise] += 1
            elif len(self.broken) < 500:
                self.broken.append({"suite": suite, "promise": promise, "detail": str(detail)[:500]})
        if not SURVEY:
            assert ok, f"{suite}: promise '{promise}' broken: {detail}"

    def broken_in(self, suites: set[str]) -> list[dict[str, Any]]:
        with self._lock:
            return [b for b in self.broken if b["suite"] in suites]

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {"runs": dict(self.runs),
                    "promises": [{"suite": s, "promise": p, "tried": n, "held": self.held[s, p]}
                                 for (s, p), n in sorted(self.tried.items())],
                    "broken": list(self.broken)}

    def dump(self, directory: str, worker: str) -> None:
        if not self.tried:
            return
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / f"figures-{worker}.json").write_text(json.dumps(self.to_dict(), indent=1), "utf-8")


FIGURES = Figures()


def dump_figures(worker: str) -> None:
    directory = os.environ.get("AGENTIC_SYNTH_FUZZ_FIGURES")
    if directory:
        FIGURES.dump(directory, worker)


# --- checks shared by the suites ------------------------------------------------------------------

def check_ending(suite: str, outcome: Outcome, *, allowed: frozenset[int], secrets: tuple[str, ...] = (),
                 about: object = "", debug: bool = False) -> None:
    """The promises every run keeps however it ends: no hang, no internal error, a clear error line, a clean
    terminal, no key echoed. `about` (the input) goes with a broken promise's detail. `debug`: the command
    line asked for `-vv`, which prints the traceback of an error after its one line (docs/cli.md)."""
    FIGURES.check(suite, "no-hangs", not outcome.hung, f"{outcome.seconds:.1f}s: {str(about)[:250]}")
    internal = outcome.code in (70, 99, 137) or "internal error" in outcome.stderr or (
        "Traceback" in outcome.stderr and not debug)
    FIGURES.check(suite, "no-internal-errors", not internal, f"exit {outcome.code}: {outcome.stderr[-250:]} "
                                                             f"for {str(about)[:200]}")
    help_shown = outcome.code == 2 and outcome.stderr.startswith("Usage:") and "Commands:" in outcome.stderr
    if outcome.code not in (0, 130) and not help_shown:  # a bare command group prints its help, exit 2 as click
        lines = outcome.error_lines
        FIGURES.check(suite, "clear-errors", outcome.code in allowed and len(lines) == 1,
                      f"exit {outcome.code}: {outcome.stderr[-400:]} for {str(about)[:200]}")
    FIGURES.check(suite, "clean-terminal", _RAW_CONTROL.search(outcome.stderr) is None, repr(outcome.stderr[-300:]))
    shown = outcome.stderr + outcome.stdout.decode("utf-8", "replace")
    leaked = [s for s in secrets if s and s in shown]
    FIGURES.check(suite, "no-key-leak", not leaked, f"{leaked} in {shown[-300:]!r}")


def leftovers(directory: Path, expected: set[str]) -> list[str]:
    """Files in `directory` other than `expected` (temporary .part files, stray outputs)."""
    return sorted(p.name for p in directory.iterdir() if p.name not in expected)


RECORDS_WRITTEN = re.compile(r"(\d[\d,]*)(?: of \d[\d,]*)? (?:\w+ )?records? (?:were |was )?(?:written|to)\b")


def stated_counts(stderr: str) -> list[int]:
    """Every record count the run's closing lines state (`wrote 12 ... records to`, `interrupted; 8 records
    written`, `budget reached: ...; 5 of 20 records written`)."""
    return [int(n.replace(",", "")) for n in RECORDS_WRITTEN.findall(stderr)]


ALL_ROWS = re.compile(r"all (\d+) rows satisfy the schema")


def validated_rows(outcome: Outcome) -> int | None:
    """The number of rows `agentic-synth validate` found valid, or None when it did not say so."""
    found = ALL_ROWS.search(outcome.stderr)
    return int(found.group(1)) if found else None
