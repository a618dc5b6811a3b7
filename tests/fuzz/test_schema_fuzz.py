"""Hostile schemas through the real command: exit 0 with only valid records, or one clear line and exit 2.

Every example is a schema file (compact, JSON Schema, or one aimed at a limit) given to `generate
structured` with a small count, a format and a seed; when it is accepted, `validate` must accept the
same schema and every record written. Nothing is left behind but the output (or nothing at all).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.profiles import FAST, SLOW, fuzz_settings
from tests.fuzz.promises import FIGURES, check_ending, leftovers, validated_rows
from tests.fuzz.runner import CliWorker
from tests.fuzz.strategies import KEY, compact_schemas, dumps, extreme_schemas, json_schemas

FORMATS = ("jsonl", "json", "csv", "parquet")
# The schema front end that checks every limit up front (issue 17, after the JSON Schema front end of issue 12
# lands). Until it exists these suites are known to break promises (internal errors on odd JSON Schema shapes,
# deep nesting, numbers beyond int64), and are expected to fail; strict, so they must be turned on with it.
FRONT_END = (Path(__file__).resolve().parents[2] / "domain" / "schema" / "limits.py").is_file()
pending_front_end = pytest.mark.xfail(not FRONT_END, strict=True, raises=AssertionError,
                                      reason="the schema limits checked up front come after issue 12's front end")
runs = st.fixed_dictionaries({"count": st.sampled_from((0, 1, 2, 7, 40)), "fmt": st.sampled_from(FORMATS),
                              "seed": st.integers(0, 2**32 - 1)})


def generate_and_validate(worker: CliWorker, suite: str, schema: Any, run: dict[str, Any]) -> None:
    FIGURES.run(suite)
    with tempfile.TemporaryDirectory(prefix="fuzz-schema-") as where:
        directory = Path(where)
        (directory / "schema.json").write_text(dumps(schema), encoding="utf-8")
        out = f"out.{run['fmt']}"
        generated = worker.run(["generate", "structured", "-s", "schema.json", "-n", str(run["count"]),
                                "--seed", str(run["seed"]), "-o", out], directory)
        check_ending(suite, generated, allowed=frozenset({2}), secrets=(KEY,), about=(schema, run))
        expected = {"schema.json", out} if generated.code == 0 else {"schema.json"}
        FIGURES.check(suite, "whole-files", leftovers(directory, expected) == [] and
                      (generated.code != 0 or (directory / out).is_file()),
                      f"exit {generated.code}, left {leftovers(directory, expected)}")
        if generated.code != 0:
            return
        checked = worker.run(["validate", "-s", "schema.json", out], directory)
        check_ending(suite, checked, allowed=frozenset({1, 2}))
        FIGURES.check(suite, "valid-records", checked.code == 0,
                      f"validate exit {checked.code}: {checked.stdout[:200]!r} {checked.stderr[-100:]} for "
                      f"{str((schema, run))[:200]}")
        FIGURES.check(suite, "counts-agree", validated_rows(checked) == run["count"],
                      f"{run['count']} asked, validate said {checked.stderr[-200:]!r}")


@fuzz_settings(FAST, FAST.schemas)
@given(schema=compact_schemas(), run=runs)
def test_compact_schemas_give_valid_records_or_one_clear_error(worker: CliWorker, schema: Any,
                                                              run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (compact)", schema, run)


@pending_front_end
@fuzz_settings(FAST, FAST.schemas)
@given(schema=json_schemas(), run=runs)
def test_json_schemas_give_valid_records_or_one_clear_error(worker: CliWorker, schema: Any,
                                                           run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (JSON Schema)", schema, run)


@pending_front_end
@fuzz_settings(FAST, FAST.limits)
@given(schema=extreme_schemas(), run=runs)
def test_schemas_at_the_limits_are_refused_up_front_or_run_within_bounds(worker: CliWorker, schema: Any,
                                                                         run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (limits)", schema, run)


@pytest.mark.fuzz_slow
@pending_front_end
@fuzz_settings(SLOW, SLOW.schemas)
@given(schema=compact_schemas(), run=runs)
def test_slow_compact_schemas(worker: CliWorker, schema: Any, run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (compact)", schema, run)


@pytest.mark.fuzz_slow
@pending_front_end
@fuzz_settings(SLOW, SLOW.schemas)
@given(schema=json_schemas(), run=runs)
def test_slow_json_schemas(worker: CliWorker, schema: Any, run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (JSON Schema)", schema, run)


@pytest.mark.fuzz_slow
@pending_front_end
@fuzz_settings(SLOW, SLOW.limits)
@given(schema=extreme_schemas(), run=runs)
def test_slow_schemas_at_the_limits(worker: CliWorker, schema: Any, run: dict[str, Any]) -> None:
    generate_and_validate(worker, "schemas (limits)", schema, run)
