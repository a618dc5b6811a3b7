"""Offline runs to CSV, JSONL and JSON need no pyarrow: a process where importing it fails still writes them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"

# Runs in a fresh interpreter: any import of pyarrow (or of what pulls it in: pandas, polars) raises,
# then CLI and SDK runs write each text format; the script prints what it saw as JSON.
SCRIPT = r"""
import importlib.abc, json, sys

BLOCKED = ("pyarrow", "pandas", "polars")

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, Blocker())
from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.cli.main import main

out = sys.argv[1]
schema, ts, ev = sys.argv[2:5]
codes = {}
for name, args in {
    "users.csv": ["generate", "structured", "--schema", schema, "-n", "3000"],
    "users.jsonl": ["generate", "structured", "--schema", schema, "-n", "3000"],
    "users.json": ["generate", "structured", "--schema", schema, "-n", "500"],
    "series.csv": ["generate", "timeseries", "--schema", ts, "--interval", "1m", "--duration", "1d",
                   "--start", "2025-01-01T00:00:00Z"],
    "events.jsonl": ["generate", "events", "--schema", ev, "--rate", "50/sec", "-n", "2000",
                     "--start", "2025-01-01T00:00:00Z"],
}.items():
    codes[name] = main(["-q", *args, "--seed", "5", "-o", f"{out}/{name}"])
synth = AgenticSynth()
kept = synth.generate("structured", schema=schema, count=700, seed=5)
synth.generate("structured", schema=schema, count=900, seed=5, output=f"{out}/sdk.csv")
streamed = sum(1 for _ in synth.generate_stream("structured", schema=schema, count=1200, seed=5))
print(json.dumps({"codes": codes, "kept": len(kept.records), "streamed": streamed,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}))
"""


def test_text_formats_are_written_by_cli_and_sdk_in_a_process_that_cannot_import_pyarrow(tmp_path):
    ts = json.dumps({"timestamp": "datetime", "temperature": {"type": "number", "min": -20, "max": 40}})
    ev = json.dumps({"type": {"enum": ["click", "view"]}, "user_id": {"type": "uuid", "population": 50}})
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(GOLDEN / "schema.json"), ts, ev],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["loaded"] == []
    assert set(seen["codes"].values()) == {0}, seen["codes"]
    assert (seen["kept"], seen["streamed"]) == (700, 1200)
    counts = {"users.csv": 3000, "sdk.csv": 900, "series.csv": 1440}
    for name, rows in counts.items():
        with (tmp_path / name).open(newline="", encoding="utf-8") as handle:
            assert sum(1 for _ in csv.reader(handle)) == rows + 1, name  # and a header
    for name, rows in {"users.jsonl": 3000, "events.jsonl": 2000}.items():
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == rows and all(isinstance(json.loads(line), dict) for line in lines), name
    assert len(json.loads((tmp_path / "users.json").read_text(encoding="utf-8"))) == 500


def test_the_blocker_is_real_a_parquet_run_in_such_a_process_cannot_load_pyarrow(tmp_path):
    """The same process setup fails for Parquet, so the test above would see a pyarrow import."""
    script = SCRIPT.split("from agentic_synth import AgenticSynth")[0] + (
        "from agentic_synth.entrypoints.cli.main import main\n"
        "try:\n"
        "    code = main(['-q', 'generate', 'structured', '--schema', sys.argv[2], '-n', '10', '-o', sys.argv[1]])\n"
        "except ImportError as e:\n"
        "    code = repr(e)\n"
        "print(code)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "x.parquet"), str(GOLDEN / "schema.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() != "0", (done.stdout, done.stderr)
    assert not (tmp_path / "x.parquet").exists()
