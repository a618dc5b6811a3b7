"""The console script runs Arrow on jemalloc on Linux (malloc's heap fragmented under the Parquet writer), silently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import atexit, json, sys

def report():
    import pyarrow as pa
    print(json.dumps({"backend": pa.default_memory_pool().backend_name}))

atexit.register(report)
sys.argv = ["agentic-synth", "-q", "generate", "structured", "--schema", sys.argv[1], "-n", "20000", "--seed", "2",
            "-o", sys.argv[2]]
from agentic_synth.entrypoints.cli.launcher import run
run()
"""


def _run(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"} | env
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "benchmarks" / "schemas" / "users13.json"),
                           str(tmp_path / "out.parquet")], cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done, json.loads(done.stdout.splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux" or "jemalloc" not in pa.supported_memory_backends(),
                    reason="jemalloc is the CLI's choice on Linux builds of pyarrow that have it")
def test_the_cli_writes_parquet_on_jemalloc_and_says_nothing_about_it(tmp_path):
    done, seen = _run(tmp_path)
    assert seen["backend"] == "jemalloc"
    assert done.stderr == ""
    import pyarrow.parquet as pq

    assert pq.read_metadata(tmp_path / "out.parquet").num_rows == 20000


def test_a_pool_the_user_chose_is_kept(tmp_path):
    _, seen = _run(tmp_path, ARROW_DEFAULT_MEMORY_POOL="system")
    assert seen["backend"] == "system"
