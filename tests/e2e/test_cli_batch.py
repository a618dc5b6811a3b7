"""`agentic-synth batch generate` end to end: several kinds and formats, failures, reproducibility, Ctrl-C."""

from __future__ import annotations

import csv
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from agentic_synth.domain.generation.generators import CustomGenerator
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator
from tests.fakes import MIDWAY_ERRORS, FailingGenerator

USERS = {"id": {"type": "integer", "min": 1, "max": 10**6}, "name": "name", "email": "email",
         "plan": {"enum": ["free", "pro"], "weights": [0.8, 0.2]}}
START = "2025-01-01T00:00:00Z"  # events and time series start now unless told: pin it for byte-identical reruns


def batch_file(tmp_path: Path, payload: Any, name: str = "batch.yaml") -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "users.json").write_text(json.dumps(USERS))
    path = tmp_path / name
    path.write_text(yaml.safe_dump(payload, sort_keys=False) if name.endswith(".yaml") else json.dumps(payload))
    return path


def mixed_jobs() -> dict[str, Any]:
    return {"seed": 42, "defaults": {"count": 500}, "jobs": [
        {"name": "users", "kind": "structured", "schema": "schemas/users.json", "format": "csv"},
        {"name": "users_pq", "kind": "structured", "schema": "schemas/users.json", "output": "tables/users.parquet",
         "count": 3000},
        {"name": "temps", "kind": "timeseries", "schema": {"celsius": {"type": "number", "min": -20, "max": 40}},
         "count": 120, "format": "json", "options": {"interval": "1m", "start": START}},
        {"name": "clicks", "kind": "events", "schema": {"user": "uuid"},
         "options": {"rate": "20/sec", "start": START}},
    ]}


def read_all(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_batch_of_several_kinds_and_formats_writes_every_file_and_a_report(run_cli, tmp_path) -> None:
    out, report = tmp_path / "out", tmp_path / "report.json"
    code, stdout, err = run_cli("batch", "generate", "--config", str(batch_file(tmp_path, mixed_jobs())),
                                "--parallel", "2", "--output", str(out), "--report", str(report))
    assert code == 0, err
    assert stdout == b""  # stdout is left alone; the table and summary go to stderr
    assert sorted(read_all(out)) == ["clicks.jsonl", "tables/users.parquet", "temps.json", "users.csv"]
    validator = RecordValidator(Schema.from_payload(USERS))
    with (out / "users.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 500 and set(rows[0]) == set(USERS)
    table = pq.read_table(out / "tables" / "users.parquet").to_pylist()
    assert len(table) == 3000 and [v for r in table for v in validator.check(r)] == []
    temps = json.loads((out / "temps.json").read_text())
    assert len(temps) == 120 and temps[0]["timestamp"].startswith("2025-01-01T00:00")
    assert all(-20 <= t["celsius"] <= 40 for t in temps)
    clicks = [json.loads(line) for line in (out / "clicks.jsonl").read_text().splitlines()]
    assert len(clicks) == 500 and len({c["user"] for c in clicks}) == 500
    data = json.loads(report.read_text())
    assert (data["seed"], data["jobs_ok"], data["jobs_failed"], data["records"]) == (42, 4, 0, 4120)
    assert [(j["name"], j["records"], j["status"]) for j in data["jobs"]] == [
        ("users", 500, "ok"), ("users_pq", 3000, "ok"), ("temps", 120, "ok"), ("clicks", 500, "ok")]
    assert data["jobs"][1]["file"] == str(out / "tables" / "users.parquet")
    assert "users_pq" in err and "4 of 4 jobs ok, 4,120 records" in err


def test_a_failing_job_loses_no_other_file_and_the_exit_code_is_1(run_cli, container, tmp_path) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS["provider"]))
    payload = {"seed": 1, "jobs": [
        {"name": "first", "kind": "structured", "schema": USERS, "count": 300},
        {"name": "broken", "kind": "failing", "schema": {"n": "integer"}, "count": 1000},
        {"name": "last", "kind": "structured", "schema": USERS, "count": 200, "format": "csv"}]}
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(out),
                           "-p", "2", "--report", str(report))
    assert code == 1
    assert "error: job broken: gemini: HTTP 500 after 3 retries" in err.splitlines()
    assert "Traceback" not in err
    assert sorted(read_all(out)) == ["first.jsonl", "last.csv"]  # no broken.jsonl, no temporary file
    assert len((out / "first.jsonl").read_text().splitlines()) == 300
    jobs = {j["name"]: j for j in json.loads(report.read_text())["jobs"]}
    assert jobs["broken"]["status"] == "failed" and jobs["broken"]["exit_code"] == 3
    assert jobs["broken"]["file"] is None and jobs["last"]["status"] == "ok"


def test_fail_fast_stops_the_jobs_not_yet_started(run_cli, container, tmp_path) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS["bug"]))
    payload = {"jobs": [{"name": "broken", "kind": "failing", "schema": {"n": "integer"}},
                        *({"name": f"j{i}", "kind": "structured", "schema": USERS} for i in range(3))]}
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(out),
                           "-p", "1", "--fail-fast", "--report", str(report))
    assert code == 1 and "error: job broken: internal error: RuntimeError: boom" in err
    assert read_all(out) == {}
    statuses = [j["status"] for j in json.loads(report.read_text())["jobs"]]
    assert statuses == ["failed", "cancelled", "cancelled", "cancelled"]


def test_reruns_are_byte_identical_and_the_seed_changes_the_data(run_cli, tmp_path) -> None:
    config = str(batch_file(tmp_path, mixed_jobs()))
    for name in ("a", "b"):
        assert run_cli("batch", "generate", "-c", config, "-o", str(tmp_path / name), "-p", "2")[0] == 0
    assert run_cli("batch", "generate", "-c", config, "-o", str(tmp_path / "c"), "--seed", "43")[0] == 0
    a, b, c = (read_all(tmp_path / name) for name in "abc")
    assert a == b
    assert all(a[name] != c[name] for name in a)


def test_adding_or_reordering_jobs_changes_no_other_jobs_data(run_cli, tmp_path) -> None:
    payload = mixed_jobs()
    assert run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(tmp_path / "a"))[0] == 0
    payload["jobs"] = [{"name": "extra", "kind": "structured", "schema": USERS}, *reversed(payload["jobs"])]
    assert run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(tmp_path / "b"))[0] == 0
    a, b = read_all(tmp_path / "a"), read_all(tmp_path / "b")
    assert set(b) == {*a, "extra.jsonl"} and all(a[name] == b[name] for name in a)


@pytest.mark.parametrize("other", [("-p", "1"), ("-p", "2", "--executor", "process")])
def test_parallelism_and_the_executor_do_not_change_a_byte(run_cli, tmp_path, other) -> None:
    config = str(batch_file(tmp_path, mixed_jobs()))
    report = tmp_path / "r.json"
    assert run_cli("batch", "generate", "-c", config, "-o", str(tmp_path / "a"), "-p", "2",
                   "--executor", "thread")[0] == 0
    code, _, err = run_cli("batch", "generate", "-c", config, "-o", str(tmp_path / "b"), *other,
                           "--report", str(report))
    assert code == 0, err
    assert read_all(tmp_path / "a") == read_all(tmp_path / "b")
    executors = {j["executor"] for j in json.loads(report.read_text())["jobs"]}
    assert executors == ({"process"} if "process" in other else {"thread"})


def test_a_bad_job_is_a_one_line_error_naming_file_job_and_key_and_nothing_is_written(run_cli, tmp_path) -> None:
    payload = mixed_jobs()
    payload["jobs"][2]["count"] = -5
    out = tmp_path / "out"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(out))
    assert (code, err) == (2, "error: batch.yaml: jobs[2].count: must be a whole number >= 0, got -5\n")
    assert not out.exists()


def test_a_job_the_generator_rejects_is_named_before_any_file_is_written(run_cli, tmp_path) -> None:
    payload = mixed_jobs()
    payload["jobs"][3]["options"]["interval"] = "1m"
    out = tmp_path / "out"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload, "batch.json")), "-o", str(out))
    assert code == 2
    assert err.startswith("error: batch.json: jobs[3] (clicks): options.interval does not apply to 'events'")
    assert err.count("\n") == 1 and not out.exists()


class SlowGenerator(CustomGenerator):
    """Chunks of 10 records for about 10 s; after the first one it sends this process SIGINT, as Ctrl-C does."""

    type = "slow"

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        for n in range(0, 10_000, 10):
            if n == 10:
                os.kill(os.getpid(), signal.SIGINT)
            yield RecordChunk.from_columns({"n": list(range(n, n + 10))})
            time.sleep(0.01)


def test_ctrl_c_stops_the_batch_and_leaves_only_whole_files(run_cli, container, tmp_path) -> None:
    container.registry().register(SlowGenerator())
    payload = {"jobs": [{"name": "quick", "kind": "structured", "schema": USERS, "count": 100},
                        {"name": "slow", "kind": "slow", "schema": {"n": "integer"}},
                        {"name": "later", "kind": "structured", "schema": USERS}]}
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(out),
                           "-p", "1", "--report", str(report))
    assert code == 130 and err.splitlines()[-1] == "error: interrupted; 1 of 3 jobs finished, their files are whole"
    assert sorted(read_all(out)) == ["quick.jsonl"] and len((out / "quick.jsonl").read_text().splitlines()) == 100
    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    assert [j["status"] for j in data["jobs"]] == ["ok", "interrupted", "cancelled"]


def test_ctrl_c_while_the_jobs_are_handed_out_still_ends_with_the_report(run_cli, tmp_path, monkeypatch) -> None:
    """Fuzz finding (issue 17): SIGINT as the first job's file appeared, before the other jobs were handed to the
    pool, gave no report (the interrupt came before the batch's handler), and once exit 70 (KeyError)."""
    import agentic_synth.entrypoints.batch as batch_module

    class InterruptedPool(batch_module.ThreadPoolExecutor):
        def submit(self, *args: Any, **kwargs: Any) -> Any:
            if getattr(self, "handed", 0) == 1:
                raise KeyboardInterrupt  # where the signal lands: the second job is not handed out yet
            self.handed = getattr(self, "handed", 0) + 1
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(batch_module, "ThreadPoolExecutor", InterruptedPool)
    payload = {"jobs": [{"name": "first", "kind": "structured", "schema": USERS, "count": 50},
                        {"name": "second", "kind": "structured", "schema": USERS, "count": 50}]}
    out, report = tmp_path / "out", tmp_path / "r.json"
    code, _, err = run_cli("batch", "generate", "-c", str(batch_file(tmp_path, payload)), "-o", str(out),
                           "-p", "2", "--executor", "thread", "--report", str(report))
    assert code == 130 and err.splitlines()[-1].startswith("error: interrupted")
    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    assert [j["status"] for j in data["jobs"]][1] == "cancelled"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
