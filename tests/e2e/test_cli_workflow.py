"""`workflow list|run NAME [--set key=value]`: the named jobs of a workflow file, run one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dependency_injector import providers

from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.fakes_integrations import FakeWorkflowEngine
from tests.readback import read_output

WORKFLOWS = """\
seed: 11
defaults:
  count: 40
jobs:
  - name: daily-users
    kind: structured
    schema: {name: name, email: email, age: {type: integer, min: 18, max: 90}}
    format: csv
  - name: clicks
    kind: events
    schema: {type: {enum: [view, click]}, user: uuid}
    options: {rate: 10/sec, start: "2025-01-01T00:00:00Z"}
"""


@pytest.fixture
def workflows(tmp_path: Path) -> Path:
    path = tmp_path / "workflows.yaml"
    path.write_text(WORKFLOWS)
    return path


def test_list_shows_each_workflow_with_its_kind_count_and_file(run_cli, workflows):
    code, out, err = run_cli("workflow", "list", "--file", str(workflows), "--json")
    assert code == 0, err
    assert [json.loads(line) for line in out.decode().splitlines()] == [
        {"name": "daily-users", "kind": "structured", "count": 40, "file": "daily-users.csv", "options": {}},
        {"name": "clicks", "kind": "events", "count": 40, "file": "clicks.jsonl",
         "options": {"rate": "10/sec", "start": "2025-01-01T00:00:00Z"}}]


def test_a_run_writes_the_job_file_with_set_overrides_and_is_reproducible_from_the_file_seed(run_cli, workflows,
                                                                                            tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = run_cli("workflow", "run", "clicks", "--file", str(workflows), "-o", str(out),
                           "--set", "count=25", "--set", "rate=2/sec", "--report", str(tmp_path / "r.json"))
    assert code == 0, err and "workflow clicks: wrote 25 events records" in err
    first = read_output(out / "clicks.jsonl", "jsonl")
    assert len(first) == 25 and first[0]["timestamp"].startswith("2025-01-01T00:00")
    gaps = [int(r["timestamp"][17:19]) for r in first]  # seconds: 25 events at 2/sec span about 12 s
    assert 6 <= max(gaps) <= 25
    report = json.loads((tmp_path / "r.json").read_text())
    assert run_cli("workflow", "run", "clicks", "--file", str(workflows), "-o", str(out), "--set", "count=25",
                   "--set", "rate=2/sec")[0] == 0
    assert read_output(out / "clicks.jsonl", "jsonl") == first  # no seed given: derived from the file's seed 11
    assert report["seed"] != 11 and report["records"] == 25


def test_an_unknown_workflow_or_a_bad_override_is_one_usage_error_and_writes_nothing(run_cli, workflows, tmp_path):
    code, _, err = run_cli("workflow", "run", "daily-user", "--file", str(workflows), "-o", str(tmp_path))
    assert code == 2 and "no workflow named 'daily-user' (did you mean 'daily-users'?)" in err
    code, _, err = run_cli("workflow", "run", "daily-users", "--file", str(workflows), "-o", str(tmp_path),
                           "--set", "count=-3")
    assert code == 2 and not (tmp_path / "daily-users.csv").exists() and "Traceback" not in err
    code, _, err = run_cli("workflow", "run", "daily-users", "--file", str(workflows), "--set", "count")
    assert code == 2 and "--set: expected KEY=VALUE, got 'count'" in err
    code, _, err = run_cli("workflow", "list", "--file", str(tmp_path / "nope.yaml"))
    assert code == 2 and "not found" in err


def test_with_an_agentic_robotics_plugin_enabled_the_run_goes_through_it(workflows, tmp_path, capsys):
    engine = FakeWorkflowEngine()
    container = build_container(load_plugins=False, integrations={"agenticRobotics": {"enabled": True}})
    container.integration_plugins.override(providers.Object({"agentic_robotics": lambda options: engine}))
    code = main(["workflow", "run", "daily-users", "--file", str(workflows), "-o", str(tmp_path)],
                container=container)
    assert code == 0, capsys.readouterr().err
    assert list(engine.registered) == ["daily-users"] and engine.triggered == [("daily-users", {})]
    rows = read_output(tmp_path / "daily-users.csv", "csv")
    assert len(rows) == 40 and all(18 <= int(r["age"]) <= 90 for r in rows)
