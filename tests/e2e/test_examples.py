"""Every script in examples/ runs on a fresh directory and produces what it says it does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from agentic_synth.domain.schema.schema import Schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))


def _run(name: str, out: Path) -> dict:
    done = subprocess.run([sys.executable, str(EXAMPLES / name), str(out)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # the SDK logs nothing by default
    return json.loads(done.stdout.splitlines()[-1])


def test_there_are_examples_and_each_has_a_check_here() -> None:
    assert sorted(CHECKS) == SCRIPTS


def _quickstart(summary: dict, out: Path) -> None:
    assert summary["records"] == 5000 and summary["seed"] == 42
    assert abs(summary["plans"]["free"] / 5000 - 0.7) < 0.03
    assert pq.read_metadata(out / "users.parquet").num_rows == 5000
    assert len((out / "users.csv").read_text().splitlines()) == 5001


def _orders(summary: dict, out: Path) -> None:
    assert summary["records"] == 5000 and summary["violations"] == 0
    assert summary["currencies"] > 50
    assert json.loads((out / "report.json").read_text())["records"] == 5000


def _iot(summary: dict, out: Path) -> None:
    assert summary["readings"] == 20000 and abs(summary["mean_temperature"] - 21) < 0.2
    assert summary["alerts"] == 5 and summary["committed"] is True
    assert summary["batches"] == [8192, 8192, 3616]


def _dice(summary: dict, out: Path) -> None:
    assert summary["records"] == 10000 and (summary["min"], summary["max"]) == (3, 18)
    assert abs(summary["mean"] - 10.5) < 0.15


CHECKS = {"quickstart.py": _quickstart, "orders_report.py": _orders, "iot_stream.py": _iot,
          "custom_generator.py": _dice}


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_example_script_runs_and_its_output_checks_out(name, tmp_path) -> None:
    CHECKS[name](_run(name, tmp_path), tmp_path)


@pytest.mark.parametrize("path", sorted((EXAMPLES / "schemas").glob("*.json")), ids=lambda p: p.name)
def test_each_example_schema_parses(path: Path) -> None:
    assert Schema.from_payload(json.loads(path.read_text())).fields
