"""A real Dask LocalCluster (two worker processes on 127.0.0.1) runs a sharded job: same parts as locally."""

from __future__ import annotations

import gc
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("AGENTIC_SYNTH_REQUIRE_DASK") != "1":  # .ci/run sets it: there, a missing Dask is a failure
    pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'agentic-synth[dask]'")
import distributed

SCHEMA = {"id": {"type": "uuid", "unique": True}, "email": {"type": "email", "unique": True}, "name": "name",
          "score": {"type": "number", "min": 0, "max": 1, "precision": 3}}


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        yield cluster.scheduler_address
    with warnings.catch_warnings():  # Dask's pooled comms to the closed cluster: finalised here, not mid-way
        warnings.simplefilter("ignore", ResourceWarning)                 # through another test
        gc.collect()


def _parts(out: Path) -> list[tuple[str, int, int, str]]:
    job = json.loads((out / "_manifest.json").read_text())["jobs"]["schema"]
    return [(p["file"], p["start"], p["stop"], p["sha256"]) for p in job["parts"]]


def test_a_sharded_job_on_a_dask_cluster_writes_the_parts_the_local_pool_writes(run_cli, tmp_path, scheduler) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    common = ["generate", "structured", "-s", str(schema), "--seed", "31", "--count", "50000", "--parts", "4"]
    code, _, err = run_cli(*common, "-o", f"{tmp_path / 'dask'}/", "--executor", "dask", "--scheduler", scheduler)
    assert code == 0, err
    assert "4 parts" in err
    code, _, err = run_cli(*common, "-o", f"{tmp_path / 'local'}/", "--executor", "local", "--parallel", "2")
    assert code == 0, err
    on_dask, local = _parts(tmp_path / "dask"), _parts(tmp_path / "local")
    assert len(on_dask) == 4 and on_dask == local
    report = tmp_path / "report.json"
    code, _, err = run_cli(*common, "-o", f"{tmp_path / 'dask'}/", "--executor", "dask", "--scheduler", scheduler,
                           "--resume", "--report", str(report))
    assert code == 0, err
    assert {job["executor"] for job in json.loads(report.read_text())["jobs"]} == {"resumed"}


def test_an_unreachable_scheduler_is_one_usage_error(run_cli, tmp_path) -> None:
    code, _, err = run_cli("generate", "structured", "-s", '{"a": "integer"}', "-n", "10", "-o", f"{tmp_path}/",
                           "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert "--scheduler tcp://127.0.0.1:9: no Dask scheduler answered" in err and "Traceback" not in err
