"""Hostile schemas through the SDK: valid records, or one error of the exit-2 kind, never another exception.

The same strategies as the CLI suite (tests/fuzz/test_schema_fuzz.py), given as Python objects to
`AgenticSynth.generate` in this process. The assertions are the promises only (which exception, one
printable line, every record valid, the count asked for), so they hold on any schema front end.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth import AgenticSynth, Schema
from agentic_synth.domain.errors import AgenticSynthError, exit_code_for
from agentic_synth.domain.schema.validation import RecordValidator
from agentic_synth.entrypoints.container import build_container
from tests.fuzz.profiles import FAST, SLOW, fuzz_settings
from tests.fuzz.promises import FIGURES
from tests.fuzz.strategies import compact_schemas, json_schemas

SUITE = "schemas (SDK)"
TIME_LIMIT_S = 20
_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
runs = st.fixed_dictionaries({"count": st.sampled_from((0, 1, 3, 25)), "seed": st.integers(0, 2**32 - 1)})


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def generate_in_process(schema: Any, run: dict[str, Any]) -> None:
    FIGURES.run(SUITE)
    synth = AgenticSynth(container=build_container(load_plugins=False))
    try:
        with _time_limit(TIME_LIMIT_S):
            result = synth.generate("structured", schema=schema, count=run["count"], seed=run["seed"])
    except AgenticSynthError as exc:
        message = str(exc)
        FIGURES.check(SUITE, "clear-errors", exit_code_for(exc) == 2 and "\n" not in message and message != "",
                      f"{type(exc).__name__} (exit {exit_code_for(exc)}): {message[:300]!r}")
        FIGURES.check(SUITE, "clean-terminal", _RAW_CONTROL.search(message) is None, repr(message[:300]))
        return
    except TimeoutError as exc:
        FIGURES.check(SUITE, "no-hangs", False, f"{exc}: {schema!r}"[:400])
        return
    except Exception as exc:  # any other exception breaks the promise; the figures say which
        FIGURES.check(SUITE, "no-internal-errors", False, f"{type(exc).__name__}: {exc}"[:400])
        return
    FIGURES.check(SUITE, "no-internal-errors", True)
    validator = RecordValidator(Schema.from_payload(schema))
    wrong = [v for record in result.records for v in validator.check(record)]
    FIGURES.check(SUITE, "valid-records", wrong == [], f"{wrong[:3]} for {schema!r}"[:400])
    FIGURES.check(SUITE, "counts-agree", len(result.records) == run["count"],
                  f"{len(result.records)} records for {run['count']} asked")


@fuzz_settings(FAST, FAST.schemas)
@given(schema=st.one_of(compact_schemas(), json_schemas()), run=runs)
def test_the_sdk_gives_valid_records_or_one_usage_error(schema: Any, run: dict[str, Any]) -> None:
    generate_in_process(schema, run)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.schemas)
@given(schema=st.one_of(compact_schemas(), json_schemas()), run=runs)
def test_slow_sdk_schemas(schema: Any, run: dict[str, Any]) -> None:
    generate_in_process(schema, run)
