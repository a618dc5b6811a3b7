"""Shards and part files join to the single run's bytes; unique fields stay unique across parts; resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

START = "2025-01-01T00:00:00Z"
JOBS = {
    "structured": (["--count", "20000"], {"id": {"type": "uuid", "unique": True}, "email": {"type": "email",
                                                                                             "unique": True},
                                          "name": "name", "age": "integer", "tags": {"type": "array", "items": "word"},
                                          "seen": {"type": "datetime", "nullable": True, "null_rate": 0.1}}),
    "timeseries": (["--count", "6000", "--series", "3", "--interval", "1m", "--start", START],
                   {"cpu": {"type": "number", "min": 0, "max": 100, "noise": {"std": 4, "ar": 0.95},
                            "walk": {"std": 0.3}, "missing": 0.01},
                    "temp": {"type": "number", "min": 10, "max": 30}, "host": "word"}),
    "events": (["--duration", "1h", "--rate", "8/sec", "--start", "2025-01-01T08:30:00Z", "-O", "diurnal=business",
                "-O", 'bursts={"rate": "2/hour", "duration": "5m", "factor": 8}'],
               {"type": {"enum": ["view", "click"]}, "user": "uuid"}),
}


def _schema(tmp_path: Path, payload: dict[str, object]) -> str:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(payload))
    return str(path)


@pytest.mark.parametrize("kind", sorted(JOBS))
def test_shards_of_every_kind_join_to_the_single_runs_bytes(run_cli, tmp_path, kind) -> None:
    args, schema = JOBS[kind]
    common = ["generate", kind, "-s", _schema(tmp_path, schema), "--seed", "9", *args]
    code, _, err = run_cli(*common, "-o", str(tmp_path / "whole.jsonl"))
    assert code == 0, err
    whole = (tmp_path / "whole.jsonl").read_bytes()
    assert whole.count(b"\n") > 10_000
    for n in (1, 2, 3, 7):
        joined = b""
        for i in range(n):
            out = tmp_path / f"shard-{i}-of-{n}.jsonl"
            code, _, err = run_cli(*common, "--shard", f"{i}/{n}", "-o", str(out))
            assert code == 0, err
            joined += out.read_bytes()
        assert joined == whole, f"{kind}: {n} shards do not join to the single run"


def test_csv_shards_after_the_first_have_no_header_so_they_join_byte_for_byte(run_cli, tmp_path) -> None:
    args, schema = JOBS["structured"]
    common = ["generate", "structured", "-s", _schema(tmp_path, schema), "--seed", "4", *args]
    assert run_cli(*common, "-o", str(tmp_path / "whole.csv"))[0] == 0
    joined = b""
    for i in range(3):
        assert run_cli(*common, "--shard", f"{i}/3", "-o", str(tmp_path / f"s{i}.csv"))[0] == 0
        joined += (tmp_path / f"s{i}.csv").read_bytes()
    assert joined == (tmp_path / "whole.csv").read_bytes()


def test_part_files_in_parquet_hold_the_single_runs_rows_and_the_manifest_lists_them(run_cli, tmp_path) -> None:
    args, schema = JOBS["structured"]
    common = ["generate", "structured", "-s", _schema(tmp_path, schema), "--seed", "5", *args]
    assert run_cli(*common, "-o", str(tmp_path / "whole.parquet"))[0] == 0
    code, _, err = run_cli(*common, "-o", f"{tmp_path / 'out'}/", "--parts", "3", "--executor", "thread")
    assert code == 0, err
    parts = sorted((tmp_path / "out" / "schema").glob("part-*.parquet"))
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    joined = pa.concat_tables([pq.read_table(p) for p in parts])
    assert joined.equals(pq.read_table(tmp_path / "whole.parquet"))
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())["jobs"]["schema"]
    assert [(p["start"], p["stop"]) for p in manifest["parts"]] == [(0, 8192), (8192, 16384), (16384, 20000)]
    assert all(p["bytes"] == (tmp_path / "out" / p["file"]).stat().st_size for p in manifest["parts"])
    assert {p["seed"] for p in manifest["parts"]} == {5} and manifest["records"] == 20000


def test_one_worker_and_four_workers_write_identical_parts(run_cli, tmp_path) -> None:
    _, schema = JOBS["structured"]
    common = ["generate", "structured", "-s", _schema(tmp_path, schema), "--seed", "6", "--count", "60000",
              "--parts", "6", "-f", "jsonl"]
    for workers in ("1", "4"):
        code, _, err = run_cli(*common, "-o", f"{tmp_path / workers}/", "--parallel", workers)
        assert code == 0, err
    one, four = (json.loads((tmp_path / w / "_manifest.json").read_text()) for w in ("1", "4"))
    assert [p["sha256"] for p in one["jobs"]["schema"]["parts"]] == \
           [p["sha256"] for p in four["jobs"]["schema"]["parts"]]
    assert len(one["jobs"]["schema"]["parts"]) == 6


def test_unique_fields_have_no_duplicate_across_two_million_records_in_eight_parts(run_cli, tmp_path) -> None:
    schema = {"id": {"type": "uuid", "unique": True}, "email": {"type": "email", "unique": True},
              "code": {"type": "string", "pattern": "[A-Z]{3}-[0-9]{7}", "unique": True}}
    code, _, err = run_cli("generate", "structured", "-s", _schema(tmp_path, schema), "--seed", "8",
                           "--count", "2000000", "-o", f"{tmp_path / 'big'}/", "--parts", "8", "--executor", "thread",
                           "--parallel", "2")
    assert code == 0, err
    parts = sorted((tmp_path / "big" / "schema").glob("part-*.parquet"))
    assert len(parts) == 8
    table = pa.concat_tables([pq.read_table(p) for p in parts])
    assert table.num_rows == 2_000_000
    for column in schema:
        assert pc.count_distinct(table[column]).as_py() == 2_000_000, column


def test_a_run_killed_mid_way_resumes_to_the_same_final_bytes(run_cli, tmp_path) -> None:
    _, schema = JOBS["structured"]
    path = _schema(tmp_path, schema)
    common = ["generate", "structured", "-s", path, "--seed", "2", "--count", "400000", "--parts", "25", "-f", "jsonl",
              "--executor", "thread", "--parallel", "1"]
    out = tmp_path / "out"
    manifest = out / "_manifest.json"
    process = subprocess.Popen([sys.executable, "-m", "agentic_synth", "-q", *common, "-o", f"{out}/"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.getcwd())
    deadline = time.monotonic() + 120
    listed: list[dict[str, object]] = []
    while time.monotonic() < deadline and process.poll() is None:
        try:
            listed = json.loads(manifest.read_text())["jobs"]["schema"]["parts"]
        except (OSError, ValueError, KeyError):
            listed = []
        if len(listed) >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 2 <= len(listed) < 25, "the run must be killed part-way"
    kept = {p["file"]: (out / str(p["file"])).stat().st_mtime_ns for p in listed}
    code, _, err = run_cli(*common, "-o", f"{out}/", "--resume")
    assert code == 0, err
    assert run_cli("generate", "structured", "-s", path, "--seed", "2", "--count", "400000",
                   "-o", str(tmp_path / "whole.jsonl"))[0] == 0
    parts = sorted((out / "schema").glob("part-*.jsonl"))
    assert len(parts) == 25 and not list((out / "schema").glob(".*"))
    assert b"".join(p.read_bytes() for p in parts) == (tmp_path / "whole.jsonl").read_bytes()
    assert all((out / f).stat().st_mtime_ns == t for f, t in kept.items()), "resume redid a finished part"


def test_resume_refuses_a_manifest_made_with_other_settings(run_cli, tmp_path) -> None:
    args, schema = JOBS["structured"]
    common = ["generate", "structured", "-s", _schema(tmp_path, schema), *args, "-o", f"{tmp_path / 'o'}/",
              "--parts", "2", "--executor", "thread"]
    assert run_cli(*common, "--seed", "1")[0] == 0
    code, _, err = run_cli(*common, "--seed", "2", "--resume")
    assert code == 2
    assert "was made with other settings" in err and "Traceback" not in err


@pytest.mark.parametrize(("args", "message"), [
    (["--parallel", "2", "-o", "x.jsonl"], "--parallel applies to an output directory"),
    (["--shard", "0/2", "-o", "d/"], "--shard makes one file"),
    (["--shard", "2/2", "-o", "x.jsonl"], "--shard: shard 2/2"),
    (["-o", "d/", "-f", "json", "--parts", "2"], "a json array cannot be split"),
    (["-o", "d/", "--executor", "thread", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler goes with --executor dask"),
])
def test_bad_scale_options_are_one_usage_error(run_cli, tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("generate", "structured", "-s", '{"a": "integer"}', "-n", "20000", *args)
    assert code == 2, err
    assert err.count("\n") <= 2 and "Traceback" not in err
    assert message in err, err


def test_a_shard_of_an_endless_realtime_stream_is_refused(run_cli) -> None:
    code, _, err = run_cli("generate", "events", "-s", '{"a": "integer"}', "--realtime", "--shard", "0/2")
    assert code == 2
    assert "--shard: a shard is an index range of a job the engine makes; --realtime has no end" in err
