"""Hostile schemas through the SDK in this process: a file of valid records, or one error of the exit-2 kind.

The same strategies as the CLI suite (tests/fuzz/test_schema_fuzz.py), given as Python objects to
`AgenticSynth.generate(..., output=..., format=...)` in the test process: no child process and no
command line, so an example costs a few milliseconds and the slow profile draws most of its schema
examples here. What `agentic-synth validate` does is then done with the very functions it calls:
the file read back with the schema's types (`read_records`) and each record judged by the same
checker (`record_checker`: the jsonschema library for a JSON Schema, our validator for the compact
format). Each example runs under a time limit (SIGALRM) and a memory limit (the address space may
grow by MEMORY_HEADROOM), and a watchdog ends the test process, with the figures written, should an
example stall where no signal reaches it (in C). The promises: which exception, one printable
line, every record valid, the count asked for, no temporary file left.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth import AgenticSynth, Schema
from agentic_synth.adapters.readers import read_records
from agentic_synth.domain.errors import AgenticSynthError, exit_code_for
from agentic_synth.entrypoints.cli.validate import record_checker
from agentic_synth.entrypoints.container import build_container
from tests.fuzz.profiles import FAST, SLOW, fuzz_settings
from tests.fuzz.promises import FIGURES, dump_figures, leftovers
from tests.fuzz.strategies import compact_schemas, json_schemas

SUITE = "schemas (SDK)"
TIME_LIMIT_S = 20
WATCHDOG_S = 90  # past this an example is stuck where SIGALRM cannot reach it: the process ends
MEMORY_HEADROOM = 2 * 2**30  # bytes of address space an example may add to the process's
FORMATS = ("jsonl", "json", "csv", "parquet")
_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
runs = st.fixed_dictionaries({"count": st.sampled_from((0, 1, 3, 25)), "seed": st.integers(0, 2**32 - 1),
                              "fmt": st.sampled_from(FORMATS)})


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def bounded(seconds: int, about: object) -> Iterator[None]:
    """A time limit (TimeoutError), a memory limit (MemoryError) and a watchdog, for one example."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    def stuck() -> None:
        FIGURES.check(SUITE, "no-hangs", False, f"stuck for {WATCHDOG_S} s (the process was ended): {about!r}"[:400])
        dump_figures(os.environ.get("PYTEST_XDIST_WORKER", "main"))
        os._exit(3)

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + MEMORY_HEADROOM
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    watchdog = threading.Timer(WATCHDOG_S, stuck)
    watchdog.daemon = True
    previous = signal.signal(signal.SIGALRM, expire)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    watchdog.start()
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        watchdog.cancel()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


def generate_in_process(schema: Any, run: dict[str, Any]) -> None:
    FIGURES.run(SUITE)
    synth = AgenticSynth(container=build_container(load_plugins=False))
    with tempfile.TemporaryDirectory(prefix="fuzz-sdk-") as where:
        out = Path(where) / f"out.{run['fmt']}"
        try:
            with bounded(TIME_LIMIT_S, (schema, run)):
                synth.generate("structured", schema=schema, count=run["count"], seed=run["seed"], output=str(out),
                               format=run["fmt"])
        except AgenticSynthError as exc:
            message = str(exc)
            FIGURES.check(SUITE, "clear-errors", exit_code_for(exc) == 2 and "\n" not in message and message != "",
                          f"{type(exc).__name__} (exit {exit_code_for(exc)}): {message[:300]!r}")
            FIGURES.check(SUITE, "clean-terminal", _RAW_CONTROL.search(message) is None, repr(message[:300]))
            FIGURES.check(SUITE, "whole-files", leftovers(Path(where), set()) == [],
                          f"refused, yet left {leftovers(Path(where), set())}")
            return
        except TimeoutError as exc:
            FIGURES.check(SUITE, "no-hangs", False, f"{exc}: {schema!r} {run}"[:400])
            return
        except Exception as exc:  # any other exception breaks the promise; the figures say which
            FIGURES.check(SUITE, "no-internal-errors", False, f"{type(exc).__name__}: {exc} for {schema!r} {run}"[:400])
            return
        FIGURES.check(SUITE, "no-internal-errors", True)
        FIGURES.check(SUITE, "whole-files", leftovers(Path(where), {out.name}) == [] and out.is_file(),
                      f"left {leftovers(Path(where), {out.name})}")
        judge(schema, run, out)


def judge(schema: Any, run: dict[str, Any], out: Path) -> None:
    """What `agentic-synth validate -s SCHEMA OUT` does, with the functions it calls."""
    try:
        with bounded(TIME_LIMIT_S * 3, (schema, run, "validate")):
            parsed = Schema.from_payload(schema)
            check = record_checker(parsed)
            wrong, rows = [], 0
            for record in read_records(str(out), parsed):
                rows += 1
                wrong.extend(check(record))
    except TimeoutError as exc:
        FIGURES.check(SUITE, "no-hangs", False, f"validate: {exc}: {schema!r} {run}"[:400])
        return
    except Exception as exc:  # validate would have answered exit 70 (or exit 2 on a file it wrote itself)
        FIGURES.check(SUITE, "valid-records", False,
                      f"validate: {type(exc).__name__}: {exc} for {schema!r} {run}"[:400])
        return
    FIGURES.check(SUITE, "valid-records", wrong == [], f"{wrong[:3]} for {schema!r} {run}"[:400])
    FIGURES.check(SUITE, "counts-agree", rows == run["count"], f"{rows} records read back for {run['count']} asked")


@fuzz_settings(FAST, FAST.sdk_schemas)
@given(schema=st.one_of(compact_schemas(), json_schemas()), run=runs)
def test_the_sdk_gives_valid_records_or_one_usage_error(schema: Any, run: dict[str, Any]) -> None:
    generate_in_process(schema, run)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.sdk_schemas)
@given(schema=compact_schemas(), run=runs)
def test_slow_sdk_compact_schemas(schema: Any, run: dict[str, Any]) -> None:
    generate_in_process(schema, run)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.sdk_schemas)
@given(schema=json_schemas(), run=runs)
def test_slow_sdk_json_schemas(schema: Any, run: dict[str, Any]) -> None:
    generate_in_process(schema, run)
