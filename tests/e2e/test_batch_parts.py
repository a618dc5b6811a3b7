"""A batch splits a job into part files with a manifest, resumes from it, and shows progress on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import yaml

USERS = {"id": {"type": "uuid", "unique": True}, "email": {"type": "email", "unique": True}, "plan":
         {"enum": ["free", "pro"]}}


def _batch(tmp_path: Path, parts: int | None = 3, count: int = 30000) -> Path:
    job = {"name": "users", "kind": "structured", "schema": USERS, "count": count, "format": "jsonl", "seed": 12}
    if parts is not None:
        job["parts"] = parts
    path = tmp_path / f"batch-{parts}.yaml"
    path.write_text(yaml.safe_dump({"jobs": [job, {"name": "small", "kind": "structured", "schema": USERS,
                                                   "count": 100}]}))
    return path


def test_a_job_with_parts_is_a_folder_of_parts_that_join_to_the_job_made_whole(run_cli, tmp_path) -> None:
    code, _, err = run_cli("batch", "generate", "-c", str(_batch(tmp_path)), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "users: 30,000 records -> " in err and "(3 parts," in err
    assert run_cli("batch", "generate", "-c", str(_batch(tmp_path, None)), "-o", str(tmp_path / "whole"))[0] == 0
    parts = sorted((tmp_path / "out" / "users").glob("part-*.jsonl"))
    assert len(parts) == 3
    assert b"".join(p.read_bytes() for p in parts) == (tmp_path / "whole" / "users.jsonl").read_bytes()
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    assert set(manifest["jobs"]) == {"users", "small"}
    assert manifest["jobs"]["small"]["parts"][0]["file"] == "small.jsonl"


def test_resume_redoes_only_the_part_that_is_missing_or_altered(run_cli, tmp_path) -> None:
    batch, out = _batch(tmp_path), tmp_path / "out"
    assert run_cli("batch", "generate", "-c", str(batch), "-o", str(out))[0] == 0
    parts = sorted((out / "users").glob("part-*.jsonl"))
    before = [p.read_bytes() for p in parts]
    stamps = [p.stat().st_mtime_ns for p in parts]
    parts[1].unlink()
    parts[2].write_bytes(before[2][:-10] + b"tampered!\n")
    report = tmp_path / "report.json"
    code, _, err = run_cli("batch", "generate", "-c", str(batch), "-o", str(out), "--resume", "--report", str(report))
    assert code == 0, err
    assert [p.read_bytes() for p in parts] == before
    assert parts[0].stat().st_mtime_ns == stamps[0]
    assert {j["name"]: j["executor"] for j in json.loads(report.read_text())["jobs"]}["small"] == "resumed"


def test_a_batch_on_a_terminal_shows_a_bar_per_job_and_one_overall(tmp_path) -> None:
    batch = _batch(tmp_path, parts=4, count=200000)
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "agentic_synth", "batch", "generate", "-c", str(batch),
                                "-o", str(tmp_path / "out"), "--executor", "thread"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
                               cwd=os.getcwd(), env={**os.environ, "COLUMNS": "160", "TERM": "xterm"})
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            block = os.read(leader, 65536)
        except OSError:  # the other end closed: the run is over
            break
        if not block:
            break
        seen += block
    os.close(leader)
    assert process.wait(timeout=60) == 0
    text = seen.decode(errors="replace")
    assert "all jobs" in text and "users" in text and "small" in text
    assert "records/s" in text and "/ 200,100" in text
