"""The merged AI stack, end to end through the real CLI: the response cache (issue 8).

Runs go through `python -m agentic_synth` (separate processes) or `cli.main` with a fresh container
each time, a config file pointing a provider at FakeOpenAIServer, and a shared cache directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.e2e.ai_stack_helpers import SCHEMA, Writer, valid_rows, write_config
from tests.servers.openai_fake import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_REORDERED = {"stars": {"max": 5, "min": 1, "type": "integer"}, "title": "sentence",
                    "id": {"max": 10**6, "min": 1, "unique": True, "type": "integer"}}
KEY = "sk-local-cache-test-key-0123456789"


def _config(tmp_path: Path, server: FakeOpenAIServer) -> str:
    return write_config(tmp_path / "config.json", {"providers": {"local": {
        "baseUrl": server.url + "/v1", "models": ["llama3.1:8b"], "apiKey": KEY}}})


def _subprocess(tmp_path: Path, config: str, schema: dict[str, Any], name: str, *extra: str) -> tuple[str, dict]:
    """`agentic-synth generate structured --mode llm ...` in its own process; (stderr, report)."""
    schema_file = tmp_path / f"{name}.schema.json"
    schema_file.write_text(json.dumps(schema))
    env = {**os.environ, "AGENTIC_SYNTH_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "agentic_synth", "--config", config, "generate", "structured", "--mode", "llm",
         "--model", "llama3.1:8b", "-s", str(schema_file), "-n", "10", "--batch-size", "4", "--seed", "7",
         "-o", str(tmp_path / f"{name}.jsonl"), "--report", str(tmp_path / f"{name}.report.json"), *extra],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stderr, json.loads((tmp_path / f"{name}.report.json").read_text())


def test_the_same_command_in_a_second_process_makes_no_request_and_writes_the_same_bytes(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        config = _config(tmp_path, server)
        _, first = _subprocess(tmp_path, config, SCHEMA, "first")
        cold = len(server.completion_requests)
        summary, second = _subprocess(tmp_path, config, SCHEMA, "second")
        _, reordered = _subprocess(tmp_path, config, SCHEMA_REORDERED, "reordered")
        assert server.errors == []
        assert (cold, len(server.completion_requests)) == (3, 3)  # batches of 4, 4 and 2; then not one request
    assert (tmp_path / "second.jsonl").read_bytes() == (tmp_path / "first.jsonl").read_bytes()
    reordered_rows = [json.loads(line) for line in (tmp_path / "reordered.jsonl").read_text().splitlines()]
    assert reordered_rows == [json.loads(line) for line in (tmp_path / "first.jsonl").read_text().splitlines()]
    assert list(reordered_rows[0]) == list(SCHEMA_REORDERED)  # columns in that user's order
    assert len(valid_rows(tmp_path / "first.jsonl")) == 10
    assert (first["calls"], first["cache_hits"], first["cache_misses"]) == (3, 0, 3)
    assert first["tokens_out"] > 0
    for report in (second, reordered):
        assert (report["calls"], report["cost_usd"], report["cache_hits"], report["cache_misses"]) == (0, 0.0, 3, 0)
        assert report["models"]["llama3.1:8b"]["records"] == 10
    assert "cache: 3 hits, 0 misses, 3 calls saved" in summary.splitlines()[-1]
    assert " calls," not in summary.splitlines()[-1]  # no model call, so no calls/cost part at all
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert b"Good value." in stored and KEY.encode() not in stored


def _run(tmp_path: Path, server: FakeOpenAIServer, name: str, *args: str) -> dict:
    """One in-process CLI run with a fresh container (so only the on-disk cache is shared)."""
    container = build_container(load_plugins=False, providers={"local": {
        "baseUrl": server.url + "/v1", "models": ["m"]}})
    schema = write_config(tmp_path / "schema.json", SCHEMA)
    report = tmp_path / f"{name}.report.json"
    code = main(["-q", "generate", "structured", "-s", schema, "--model", "m", "--seed", "3", "-o",
                 str(tmp_path / f"{name}.out"), "-f", "jsonl", "--report", str(report), *args], container=container)
    assert code == 0
    return json.loads(report.read_text())


def test_cache_policy_none_asks_the_model_again(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        _run(tmp_path, server, "a", "-n", "6", "--batch-size", "3")
        report = _run(tmp_path, server, "b", "-n", "6", "--batch-size", "3", "--cache-policy", "none")
        assert len(server.completion_requests) == 4
    assert (report["calls"], report["cache_hits"], report["cache_misses"]) == (2, 0, 0)


def test_a_second_hybrid_run_takes_its_plan_from_the_cache(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        first = _run(tmp_path, server, "a", "--mode", "hybrid", "-n", "500")
        cold = len(server.completion_requests)
        second = _run(tmp_path, server, "b", "--mode", "hybrid", "-n", "500")
        assert cold == 2 and len(server.completion_requests) == cold  # parameters + one value pool, then none
    assert (tmp_path / "a.out").read_bytes() == (tmp_path / "b.out").read_bytes()
    assert first["calls"] == 2 and (second["calls"], second["cache_hits"]) == (0, 2)
    titles = {json.loads(line)["title"] for line in (tmp_path / "b.out").read_text().splitlines()}
    assert titles == {"Solid and quiet.", "Stopped after a week."}  # the model's pool, expanded by the engine


def test_aggressive_reuses_the_batches_of_a_smaller_run_for_a_larger_count(tmp_path: Path) -> None:
    policy = "aggressive"
    with FakeOpenAIServer(responder=Writer()) as server:
        _run(tmp_path, server, "small", "-n", "8", "--batch-size", "4")
        warm = _run(tmp_path, server, "big", "-n", "16", "--batch-size", "4", "--cache-policy", policy)
        after_warm = len(server.completion_requests) - 2
        cold = _run(tmp_path, server, "cold", "-n", "16", "--batch-size", "4", "--seed", "4", "--cache-policy", policy)
        after_cold = len(server.completion_requests) - 2 - after_warm
    assert (after_warm, after_cold) == (2, 4)  # the first two batches of 16 are those of the run of 8
    assert (warm["cache_hits"], warm["calls"], cold["calls"]) == (2, 2, 4)
    small = (tmp_path / "small.out").read_bytes().splitlines()
    assert (tmp_path / "big.out").read_bytes().splitlines()[:8] == small
