"""Issue 17's provider reproducers, each against the fault-injecting server: spend is a hard bound, output survives."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.ai_stack_helpers import valid_rows
from tests.servers.faulty import HOSTILE_TITLES, RECORD_SCHEMA, FaultyModelServer

PRICE = 100.0  # USD per million tokens in and out


def _run(tmp_path: Path, run_cli: Callable[..., Any], server: FaultyModelServer, *extra: str, count: int = 20,
         fmt: str = "jsonl", retries: int = 3) -> tuple[int, str, dict[str, Any] | None, Path]:
    config = {"providers": {"local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 1,
                                      "maxRetries": retries}},
              "models": {"catalog": {"m": {"provider": "local", "inputPerMTok": PRICE, "outputPerMTok": PRICE}}},
              "cache": {"enabled": False}}
    (tmp_path / "config.json").write_text(json.dumps(config), "utf-8")
    (tmp_path / "schema.json").write_text(json.dumps(RECORD_SCHEMA), "utf-8")
    out = tmp_path / f"out.{fmt}"
    code, _, err = run_cli("--config", str(tmp_path / "config.json"), "generate", "structured", "-s",
                           str(tmp_path / "schema.json"), "-n", str(count), "--model", "m", "--batch-size", "5",
                           "-o", str(out), "--report", str(tmp_path / "report.json"), *extra)
    report = tmp_path / "report.json"
    return code, err, json.loads(report.read_text("utf-8")) if report.is_file() else None, out


@pytest.mark.parametrize("fault", ["usage_negative", "usage_text", "usage_float", "usage_missing"])
def test_usage_that_is_not_a_count_is_charged_its_worst_case_never_less_than_billed(
        tmp_path: Path, run_cli: Callable[..., Any], fault: str) -> None:
    with FaultyModelServer([fault] * 4) as server:
        code, err, report, out = _run(tmp_path, run_cli, server, "--budget", "20")
        billed = server.billed_usd(PRICE, PRICE)
    assert code == 0, err
    assert report is not None and report["cost_usd"] >= billed > 0
    assert "reported no usable usage" in err and "TypeError" not in err
    assert len(valid_rows(out, RECORD_SCHEMA)) == 20


def test_usage_far_above_max_tokens_is_charged_at_what_the_request_allowed(tmp_path: Path,
                                                                          run_cli: Callable[..., Any]) -> None:
    with FaultyModelServer(["usage_huge"] * 4) as server:
        code, err, report, _ = _run(tmp_path, run_cli, server, "--budget", "5")
    assert code == 0, err
    assert report is not None and report["cost_usd"] < 5  # not the $200,000 the server claimed
    assert "reported usage above what the request allowed (1000000000000 in, 1000000000000 out)" in err


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("fault", ["drop", "reset_body", "cut_stream", "invalid_json"])
def test_attempts_that_failed_after_the_server_generated_are_charged(tmp_path: Path, run_cli: Callable[..., Any],
                                                                     fault: str, stream: bool) -> None:
    with FaultyModelServer([fault, "ok", fault, "ok", fault]) as server:
        code, err, report, out = _run(tmp_path, run_cli, server, *(["--stream"] if stream else []))
        billed = server.billed_usd(PRICE, PRICE)
        failed = sum(1 for f, _, _ in server.bill if f == fault)
    assert code == 0, err
    assert failed >= 2 and report is not None
    assert report["cost_usd"] >= billed  # the run reported half of the bill
    assert len(valid_rows(out, RECORD_SCHEMA)) == 20


def test_retries_draw_on_the_budget_attempt_by_attempt(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """A budget that holds two worst cases: the failed attempts (charged in full) use it up, and the run stops
    there with what it has, rather than retrying past the limit."""
    with FaultyModelServer(["drop"] * 10) as server:
        code, err, report, _ = _run(tmp_path, run_cli, server, "--budget", "2.1", retries=5)
        billed = server.billed_usd(PRICE, PRICE)
    assert code == 4, err
    assert err.strip().splitlines()[-1].startswith("error: budget reached:")
    assert billed <= 2.1 and report is not None and billed <= report["cost_usd"] <= 2.1
    assert len(server.bill) <= 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "parquet"])
def test_control_characters_and_a_lone_surrogate_in_replies_never_lose_the_run(tmp_path: Path,
                                                                               run_cli: Callable[..., Any],
                                                                               fmt: str) -> None:
    with FaultyModelServer(["hostile_text"] * 5) as server:
        code, err, _, out = _run(tmp_path, run_cli, server, fmt=fmt, count=len(HOSTILE_TITLES))
    assert code == 0, err
    titles = [row["title"] for row in valid_rows(out, RECORD_SCHEMA)]
    assert len(titles) == len(HOSTILE_TITLES)
    for title in titles:
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF or c == "\u202e"
                       for c in title), repr(title)
        assert "<script>" not in title and "]0;" not in title


def test_a_403_after_delivered_replies_keeps_them(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    with FaultyModelServer(["ok", "ok", "forbidden"]) as server:
        code, err, report, out = _run(tmp_path, run_cli, server)
    assert code == 3
    assert err.strip().splitlines()[-1] == ("error: local: access denied (403); check the key's permissions and "
                                           "region; 10 of 20 records were written")
    assert len(valid_rows(out, RECORD_SCHEMA)) == 10 and report is not None and report["records"] == 10


def test_escapes_and_a_key_in_a_provider_error_body_never_reach_the_terminal(tmp_path: Path,
                                                                             run_cli: Callable[..., Any]) -> None:
    with FaultyModelServer(["ok", "ok"] + ["error_escape"] * 5) as server:
        code, err, _, _ = _run(tmp_path, run_cli, server, "--stream")
    assert code == 3
    last = err.strip().splitlines()[-1]
    assert "\x1b" not in err and "\x00" not in err and "\x07" not in err
    assert "sk-or-v1-aaaa" not in err and "***" in last and "\\x1b]0;pwned\\x07" in last
