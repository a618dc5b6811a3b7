"""The example plugin package, installed for real, is found through its entry point by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "examples" / "plugin"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(target), str(PLUGIN)], check=True, capture_output=True)
    return target


def _cli(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "agentic_synth", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_generators_list_shows_the_built_in_generators_and_the_installed_plugin(plugin_path):
    done = _cli(plugin_path, "generators", "list")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert {"structured", "timeseries", "events", "dice"} <= set(rows)
    assert "plugin agentic_synth_dice:DiceGenerator" in rows["dice"] and "built-in" in rows["events"]


def test_generate_runs_the_plugin_with_its_options_seeded(plugin_path, tmp_path):
    out = tmp_path / "dice.jsonl"
    schema = '{"roll": "integer", "total": "integer", "rolls": {"type": "array", "items": "integer"}}'
    done = _cli(plugin_path, "generate", "dice", "--schema", schema, "-n", "200", "--seed", "9",
                "-O", "sides=20", "-O", "dice=3", "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["roll"] for r in rows] == list(range(1, 201))
    assert all(len(r["rolls"]) == 3 and sum(r["rolls"]) == r["total"] for r in rows)
    assert {v for r in rows for v in r["rolls"]} == set(range(1, 21))
    wrong = _cli(plugin_path, "generate", "dice", "--schema", schema, "--interval", "1m")
    assert wrong.returncode == 2 and wrong.stderr.strip().endswith(
        "error: --interval does not apply to 'dice'; its options: -O sides, -O dice")
    typo = _cli(plugin_path, "generate", "dice", "--schema", schema, "-O", "side=20")
    assert typo.returncode == 2 and typo.stderr.strip().endswith(
        "error: -O side does not apply to 'dice' (did you mean -O sides?); its options: -O sides, -O dice")
