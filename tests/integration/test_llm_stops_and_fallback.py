"""How an llm run ends, through the CLI and the real openai SDK: a fast hand-over from a throttled model, and the
one-line summary and --report on every exit (0, 3, 4, 5, 130); the SDK's error carries the same metadata."""

from __future__ import annotations

import _thread
import dataclasses
import itertools
import json
import threading
import time
from pathlib import Path

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import IncompleteGeneration
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.integration.test_llm_realistic import FAST, USERS, assert_valid_and_unique
from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply
from tests.servers.realistic import RealisticModelServer


def _cli(tmp_path: Path, providers: dict, *args: str) -> tuple[int, dict | None]:
    (tmp_path / "schema.json").write_text(json.dumps(USERS))
    report = tmp_path / "report.json"
    container = build_container(load_plugins=False, providers=providers,
                                models={"catalog": {"m": {"provider": "local", "inputPerMTok": 2,
                                                          "outputPerMTok": 10}}})
    code = main(["generate", "structured", "-s", str(tmp_path / "schema.json"), "--seed", "1",
                 "-o", str(tmp_path / "out.jsonl"), "--report", str(report), *args], container=container)
    return code, json.loads(report.read_text()) if report.exists() else None


def _local(server) -> dict:
    return {"local": {"baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 8, "maxRetries": 2}}


def test_a_model_throttled_with_a_long_retry_after_hands_its_calls_to_the_fallback_at_once(tmp_path, capsys):
    with FakeOpenAIServer() as busy, RealisticModelServer(FAST) as calm:
        busy.default_handler = lambda request: openai_error_reply(429, retry_after=20)
        providers = {**_local(calm), "busy": {"baseUrl": busy.url + "/v1", "models": ["busy-model"],
                                              "maxConcurrency": 8}}
        started = time.monotonic()
        code, report = _cli(tmp_path, providers, "-n", "120", "--model", "busy-model", "--fallback", "m")
        took = time.monotonic() - started
        asked_busy = len(busy.completion_requests)
    err = capsys.readouterr().err
    assert code == 0, err
    assert took < 10  # not the Retry-After of 20 s, nor its retries
    assert asked_busy <= 8  # the first calls in flight learnt it; after that the fallback is tried first
    assert report["models"]["m"]["records"] == 120 and report["records"] == 120
    assert_valid_and_unique([json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()])


def test_exit_0_prints_the_summary_and_writes_the_report(tmp_path, capsys):
    with RealisticModelServer(FAST) as server:
        code, report = _cli(tmp_path, _local(server), "-n", "30", "--model", "m")
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 0 and report["records"] == 30 and "stopped" not in report
    assert lines[-1].startswith("wrote 30 structured records to ") and " calls, " in lines[-1] and "$" in lines[-1]


def test_exit_3_a_rejected_key_shows_the_spend_and_writes_the_report(tmp_path, capsys):
    with FakeOpenAIServer(api_key="right-key") as server:
        providers = {"local": {"baseUrl": server.url + "/v1", "models": ["m"], "apiKey": "wrong-key-123456"}}
        code, report = _cli(tmp_path, providers, "-n", "30", "--model", "m")
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and lines[-1] == "error: local: API key rejected (401)"
    assert lines[-2].startswith("no output written (structured, ") and not (tmp_path / "out.jsonl").exists()
    assert report["stopped"] == {"exit_code": 3, "reason": "local: API key rejected (401)"} and report["records"] == 0
    assert "wrong-key-123456" not in json.dumps(report) + "".join(lines)


def test_exit_4_a_budget_stop_shows_the_spend_and_writes_the_report(tmp_path, capsys):
    with RealisticModelServer(FAST) as server:
        code, report = _cli(tmp_path, _local(server), "-n", "2000", "--model", "m", "--budget", "0.3",
                               "--concurrency", "2")
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 4 and lines[-1].startswith("error: budget reached: $")
    assert lines[-2].startswith("wrote ") and " calls, " in lines[-2]
    assert 0 < report["cost_usd"] <= 0.3 and report["stopped"]["exit_code"] == 4
    assert report["records"] == len((tmp_path / "out.jsonl").read_text().splitlines()) > 0


def test_exit_5_the_time_limit_shows_the_spend_and_writes_the_report(tmp_path, capsys):
    slow = dataclasses.replace(FAST, base_latency=0.3)
    with RealisticModelServer(slow) as server:
        code, report = _cli(tmp_path, _local(server), "-n", "5000", "--model", "m", "--timeout", "1s")
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 5 and lines[-1].startswith("error: stopped at the time limit (1s, --timeout or llm.timeout): ")
    assert report["stopped"]["exit_code"] == 5 and report["seconds"] < 3 and report["records"] > 0


def test_exit_130_an_interrupt_keeps_the_valid_records_shows_the_spend_and_writes_the_report(tmp_path, capsys):
    answered = itertools.count()
    lock = threading.Lock()
    with RealisticModelServer(FAST) as server:
        route = server.route

        def interrupting(request):
            with lock:
                n = next(answered)
            if n == 6:
                _thread.interrupt_main()  # Ctrl-C, while the run waits for its calls
            return route(request)

        server.default_handler = interrupting
        code, report = _cli(tmp_path, _local(server), "-n", "5000", "--model", "m", "--concurrency", "2")
    lines = capsys.readouterr().err.strip().splitlines()
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert code == 130 and lines[-1] == f"error: interrupted; {len(rows)} records written" and rows
    assert lines[-2].startswith(f"wrote {len(rows)} structured records to ")
    assert report["stopped"]["exit_code"] == 130 and report["records"] == len(rows) and report["calls"] >= 1
    assert_valid_and_unique(rows)


def test_the_sdk_error_of_a_stopped_run_carries_its_metadata():
    with RealisticModelServer(FAST) as server:
        synth = AgenticSynth(container=build_container(load_plugins=False, providers=_local(server)))
        with pytest.raises(IncompleteGeneration) as stop:
            synth.generate("structured", schema=USERS, count=500, model="m", max_calls=3)
    meta = stop.value.metadata
    assert meta.calls == 3 and 0 < meta.records < 500 and meta.tokens_out > 0
    assert str(stop.value).startswith("stopped at the call limit (3 calls")
