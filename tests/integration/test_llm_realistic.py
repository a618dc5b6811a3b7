"""llm mode against a fake server that misbehaves like real models (tests/servers/realistic.py), through the CLI
and the real openai SDK: the exact count, every record valid and unique, a bounded number of calls."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest

from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.servers.realistic import Profile, RealisticModelServer

USERS = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**7}, "name": "name",
         "email": {"type": "email", "unique": True}, "age": {"type": "integer", "min": 18, "max": 90},
         "plan": {"type": "enum", "enum": ["free", "pro", "team"], "weights": [0.6, 0.3, 0.1]},
         "signup": {"type": "date", "min": "2023-01-01", "max": "2024-12-31"}, "active": "boolean",
         "bio": "sentence"}
FAST = Profile(base_latency=0.004, per_record_latency=0.0002)


def run(tmp_path: Path, profile: Profile, count: int, *args: str, schema: dict[str, Any] = USERS,
        capsys: Any = None) -> tuple[int, list[dict[str, Any]], dict[str, Any], RealisticModelServer]:
    """One CLI run against a fresh realistic server: exit code, the records written, the report, the server."""
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    with RealisticModelServer(profile) as server:
        container = build_container(load_plugins=False, providers={"local": {
            "baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 8, "maxRetries": 2}})
        code = main(["-q", "generate", "structured", "-s", str(tmp_path / "schema.json"), "-n", str(count),
                     "--model", "m", "--seed", "3", "-o", str(out), "--report", str(report), *args],
                    container=container)
    rows = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return code, rows, json.loads(report.read_text()), server


def assert_valid_and_unique(rows: list[dict[str, Any]], schema: dict[str, Any] = USERS) -> None:
    parsed = Schema.from_payload(schema)
    assert all(validate_record(row, parsed) == [] for row in rows)
    assert len({json.dumps(r, sort_keys=True) for r in rows}) == len(rows)
    for f in parsed.fields:
        if f.unique:
            assert len({r[f.name] for r in rows}) == len(rows), f.name


def calls_bound(count: int, per_call: float, slots: int = 8) -> int:
    """At most: the calls the worst-case yield needs, one wave decided ahead, and a tail of a few more."""
    return math.ceil(count / per_call) + 2 * slots


def test_the_realistic_model_gives_the_exact_count_of_valid_unique_records_in_few_calls(tmp_path):
    code, rows, report, server = run(tmp_path, dataclasses.replace(FAST, base_latency=0.2), 400)
    assert code == 0 and len(rows) == 400 and report["records"] == 400
    assert_valid_and_unique(rows)
    # 50 asked a call, 30-70 % returned, a few % invalid: at least ~13 valid records a call
    assert report["calls"] <= calls_bound(400, 13) and len(server.completion_requests) <= calls_bound(400, 13)
    assert server.max_in_flight == 8  # every slot the provider allows was used
    returned = report["dropped"] + 400
    assert report["dropped"] < 0.1 * returned and report["distinct"]["email"] == 1.0


def test_anchors_keep_duplicates_of_common_names_under_two_percent(tmp_path):
    profile = dataclasses.replace(FAST, off_schema=0.0)
    code, rows, report, server = run(tmp_path, profile, 600)
    assert code == 0 and len(rows) == 600
    duplicates = next(int(n.split(" and ")[1].split()[0]) for n in report["notes"] if n.startswith("dropped "))
    assert duplicates < 0.02 * server.records_sent  # the fake repeats 1 % of records verbatim on its own
    assert report["distinct"]["name"] > 0.9  # engine-drawn names, not the model's ten favourites


@pytest.mark.parametrize("twist", [
    {"cap": (5, 10)},
    {"fenced": 1.0},
    {"trailing_commas": 1.0},
    {"python_literals": 1.0},
    {"empty": 0.3},
    {"off_schema": 0.3},
    {"throttle": 0.2, "retry_after": 0.01},
    {"server_error": 0.2},
    {"slow": 0.2, "slow_latency": 0.05},
], ids=lambda t: next(iter(t)))
def test_each_misbehaviour_alone_still_ends_with_the_exact_count(tmp_path, twist):
    code, rows, report, _ = run(tmp_path, dataclasses.replace(FAST, **twist), 120)
    assert code == 0 and len(rows) == 120
    assert_valid_and_unique(rows)
    worst = {"cap": 5 * 0.9, "empty": 13 * 0.6, "off_schema": 13 * 0.6}.get(next(iter(twist)), 12)
    assert report["calls"] <= calls_bound(120, worst)


def test_replies_cut_at_max_tokens_make_the_run_ask_for_fewer_records_a_call(tmp_path):
    profile = dataclasses.replace(FAST, chars_per_token=1, partial=(1.0, 1.0))  # every full reply is too long
    code, rows, _, server = run(tmp_path, profile, 150)
    assert code == 0 and len(rows) == 150
    asked = [int(r.json["messages"][-1]["content"].split("Generate ", 1)[1].split()[0])
             for r in server.completion_requests]
    assert asked[:3] == [50, 50, 50] and asked[3:] and max(asked[3:]) < 50  # after the cut replies, smaller asks


def test_a_server_that_answers_nothing_useful_stops_with_exit_5_and_says_why(tmp_path, capsys):
    profile = dataclasses.replace(FAST, empty=1.0)
    code, rows, report, server = run(tmp_path, profile, 50)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 5 and rows == [] and report["stopped"]["exit_code"] == 5
    assert err[-1].startswith("error: no progress: the last 8 calls added 0 new valid records of ")
    # the window, and at most the calls decided ahead of the oldest one in flight (4 per slot)
    assert 8 <= len(server.completion_requests) <= 8 + 4 * 8


def test_the_same_run_from_the_cache_makes_no_request_and_writes_the_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run(tmp_path / "a", FAST, 200)
    first_bytes = (tmp_path / "a" / "out.jsonl").read_bytes()
    second = run(tmp_path / "b", FAST, 200)  # a new server: only the on-disk cache is shared
    assert first[0] == second[0] == 0 and first[3].completion_requests and second[2]["calls"] == 0
    assert len(second[3].completion_requests) == 0  # every call answered from the cache
    assert (tmp_path / "b" / "out.jsonl").read_bytes() == first_bytes
