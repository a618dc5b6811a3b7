"""A Parquet run loads pyarrow but not pandas (pa.array() imports pandas when it is installed: ~50 MB, ~0.4 s)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
from agentic_synth import AgenticSynth
from agentic_synth.entrypoints.cli.main import main

out = sys.argv[1]
codes = [main(["-q", "generate", "structured", "--schema", schema, "-n", "3000", "--seed", "3",
               "-o", f"{out}/{i}.parquet"]) for i, schema in enumerate(sys.argv[2:])]
batches = sum(b.num_rows for b in AgenticSynth().generate_batches("structured", schema=sys.argv[2], count=900, seed=3))
print(json.dumps({"codes": codes, "rows": batches,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "polars"))}))
"""


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas is not installed: nothing to avoid")
def test_parquet_files_and_record_batches_are_made_without_importing_pandas(tmp_path):
    schemas = [str(ROOT / "tests" / "golden" / "schema.json"), str(ROOT / "benchmarks" / "schemas" / "users13.json"),
               json.dumps({"n": {"enum": [1, 2, 3]}, "x": {"enum": [0.5, 1.5]}, "b": {"enum": [True, False]},
                           "c": {"const": 7}, "t": {"type": "time", "nullable": True},
                           "tags": {"type": "array", "items": "city"}})]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), *schemas], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["codes"] == [0, 0, 0] and seen["rows"] == 900
    assert seen["loaded"] == []
    import pyarrow.parquet as pq

    assert [pq.read_metadata(tmp_path / f"{i}.parquet").num_rows for i in range(3)] == [3000] * 3
