"""docs/batch.md: its example batch file runs and makes what the page says; the page shows that very file."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import yaml

from agentic_synth import AgenticSynth
from agentic_synth.adapters.readers import read_records
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import RecordValidator
from agentic_synth.entrypoints.container import Container

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "batch" / "batch.yaml"
DOC = (ROOT / "docs" / "batch.md").read_text()


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_page_shows_the_example_batch_file() -> None:
    block = re.search(r"```yaml\n(seed: 42.*?)```", DOC, re.S)
    assert block is not None
    assert yaml.safe_load(block.group(1)) == yaml.safe_load(EXAMPLE.read_text())


def test_the_example_batch_runs_and_its_files_check_out(run_cli, tmp_path) -> None:
    for name, parallel in (("a", "1"), ("b", "2")):
        code, _, err = run_cli("batch", "generate", "--config", str(EXAMPLE), "--output", str(tmp_path / name),
                               "--parallel", parallel)
        assert code == 0, err
    out = tmp_path / "a"
    assert files(out) == files(tmp_path / "b")  # the example is reproducible and --parallel changes nothing
    assert sorted(files(out)) == ["clicks.json", "readings.jsonl", "tables/orders.parquet", "users.csv"]
    users_schema = Schema.from_payload(json.loads((ROOT / "examples" / "schemas" / "users.json").read_text()))
    with (out / "users.csv").open(newline="") as handle:
        users = list(csv.DictReader(handle))
    assert len(users) == 1000 and set(users[0]) == set(users_schema.names)
    orders_schema = Schema.from_payload(json.loads((ROOT / "examples" / "schemas" / "orders.json").read_text()))
    orders = list(read_records(str(out / "tables" / "orders.parquet"), orders_schema))
    assert len(orders) == 5000 and [v for r in orders[:500] for v in RecordValidator(orders_schema).check(r)] == []
    readings = (out / "readings.jsonl").read_text().splitlines()
    assert len(readings) == 2 * 1440  # count is per series
    clicks = json.loads((out / "clicks.json").read_text())
    shares = Counter(c["type"] for c in clicks)
    assert len(clicks) == 1000 and abs(shares["view"] / 1000 - 0.7) < 0.05 and abs(shares["click"] / 1000 - 0.25) < 0.05


def test_the_python_example_of_the_page_works(container: Container, tmp_path) -> None:
    synth = AgenticSynth(container=container)
    result = synth.batch(str(EXAMPLE), output_dir=tmp_path / "out", parallel=2)
    assert result.ok and result["orders"].records == 5000 and result.failed == []
    report = result.to_dict()
    assert report["records"] == 9880 and report["seed"] == 42 and report["jobs"][0]["name"] == "users"
