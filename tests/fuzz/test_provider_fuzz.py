"""llm runs against a provider that misbehaves at random: spend is a hard bound, records stay valid and whole.

Each example plays a random sequence of the faults of tests/servers/faulty.py (negative, huge and
non-numeric usage, dropped connections, bodies and SSE streams cut midway, 429/5xx, a 403 after
other replies, terminal escapes and lone surrogates in records, escapes and a key in an error body,
invalid UTF-8...) against a real `generate --mode llm` run with a random count, batch size,
concurrency, retries, budget, format and reply streaming, and checks every promise: the provider's
own bill never passes the budget nor exceeds the spend reported, the closing line's count is what
the file holds, every record validates, and nothing but one clean error line reaches the terminal.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.profiles import FAST, SLOW, fuzz_settings
from tests.fuzz.promises import FIGURES, check_ending, leftovers, stated_counts, validated_rows
from tests.fuzz.runner import CliWorker
from tests.servers.faulty import FAULTS, RECORD_SCHEMA, FaultyModelServer

PRICE = 100.0  # USD per million tokens, in and out: a call's worst case is about a dollar
ERROR_BODY_KEY = "sk-or-v1-" + "a" * 40  # what the "error_escape" fault puts in its error message
SUITE = "providers"

scenarios = st.fixed_dictionaries({
    "faults": st.lists(st.sampled_from(FAULTS), max_size=14),
    "count": st.integers(1, 40),
    "batch": st.integers(1, 12),
    "concurrency": st.integers(1, 4),
    "retries": st.integers(0, 3),
    "stream": st.booleans(),
    "budget": st.one_of(st.none(), st.floats(0.3, 12.0)),
    "fmt": st.sampled_from(("jsonl", "csv", "json", "parquet")),
    "cache": st.sampled_from(("memory", "sqlite", "off")),
})


def _config(directory: Path, url: str, scenario: dict[str, Any]) -> dict[str, Any]:
    cache: dict[str, Any] = {"enabled": scenario["cache"] != "off"}
    if scenario["cache"] == "memory":
        cache["persistPath"] = ""
    elif scenario["cache"] == "sqlite":
        cache["persistPath"] = str(directory / "cache")
    return {"providers": {"local": {"baseUrl": url + "/v1", "models": ["m"], "maxRetries": scenario["retries"],
                                    "maxConcurrency": scenario["concurrency"], "timeout": 10}},
            "models": {"catalog": {"m": {"provider": "local", "inputPerMTok": PRICE, "outputPerMTok": PRICE}}},
            "cache": cache}


def run_against_faulty_provider(worker: CliWorker, scenario: dict[str, Any]) -> None:
    FIGURES.run(SUITE)
    fmt = scenario["fmt"] if not scenario["stream"] or scenario["fmt"] in ("jsonl", "csv") else "jsonl"
    with tempfile.TemporaryDirectory(prefix="fuzz-provider-") as where, \
            FaultyModelServer(scenario["faults"], slow_s=0.1) as server:
        directory = Path(where)
        (directory / "config.json").write_text(json.dumps(_config(directory, server.url, scenario)), "utf-8")
        (directory / "schema.json").write_text(json.dumps(RECORD_SCHEMA), "utf-8")
        out = f"out.{fmt}"
        argv = ["--config", "config.json", "generate", "structured", "-s", "schema.json", "-n", str(scenario["count"]),
                "--model", "m", "--batch-size", str(scenario["batch"]), "--concurrency", str(scenario["concurrency"]),
                "--seed", "7", "-o", out, "--report", "report.json"]
        if scenario["budget"] is not None:
            argv += ["--budget", f"{scenario['budget']:.4f}"]
        if scenario["stream"]:
            argv.append("--stream")
        outcome = worker.run(argv, directory, timeout_s=90)
        billed = server.billed_usd(PRICE, PRICE)
        check_ending(SUITE, outcome, allowed=frozenset({3, 4, 5}), secrets=(ERROR_BODY_KEY,))
        if scenario["budget"] is not None:
            FIGURES.check(SUITE, "budget-held", billed <= scenario["budget"] + 1e-9,
                          f"billed ${billed:.4f} against a budget of ${scenario['budget']:.4f}")
        report = directory / "report.json"
        reported = json.loads(report.read_text("utf-8"))["cost_usd"] if report.is_file() else None
        FIGURES.check(SUITE, "spend-reported", (reported if reported is not None else 0.0) >= billed - 1e-6,
                      f"reported ${reported} for a bill of ${billed:.6f} ({server.played})")
        expected = {"config.json", "schema.json", "report.json", "cache", out}
        FIGURES.check(SUITE, "whole-files", leftovers(directory, expected) == [], leftovers(directory, expected))
        if not (directory / out).is_file():
            FIGURES.check(SUITE, "counts-agree", all(n == 0 for n in stated_counts(outcome.stderr)),
                          f"no file, but: {outcome.stderr[-300:]!r}")
            return
        checked = worker.run(["validate", "-s", "schema.json", out], directory)
        FIGURES.check(SUITE, "valid-records", checked.code == 0, f"{checked.stdout[:300]!r} {checked.stderr[-200:]}")
        rows, said = validated_rows(checked), stated_counts(outcome.stderr)
        FIGURES.check(SUITE, "counts-agree", rows is not None and said != [] and all(n == rows for n in said),
                      f"file holds {rows}, the run said {outcome.stderr[-300:]!r}")


@fuzz_settings(FAST, FAST.providers)
@given(scenario=scenarios)
def test_a_faulty_provider_never_breaks_a_promise(worker: CliWorker, scenario: dict[str, Any]) -> None:
    run_against_faulty_provider(worker, scenario)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.providers)
@given(scenario=scenarios)
def test_slow_faulty_provider_runs(worker: CliWorker, scenario: dict[str, Any]) -> None:
    run_against_faulty_provider(worker, scenario)
