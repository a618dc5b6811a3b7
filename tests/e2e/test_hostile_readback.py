"""Issue 17's accepted-but-invalid outputs: what `generate` writes, `validate` reads back as valid, in every format.

Each schema was accepted and its records then failed our own `validate` (epoch datetimes through CSV and
Parquet, years below 1000 in Parquet, a dict inside an enum in Parquet, the enum value "" in CSV).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentic_synth.adapters.readers import read_records
from agentic_synth.domain.schema.schema import Schema

SCHEMAS = {
    "epoch": {"t": {"type": "datetime", "format": "epoch"}},
    "epoch_ms": {"t": {"type": "datetime", "format": "epoch_ms", "min": "2024-01-01T00:00:00Z"}},
    "early years": {"d": {"type": "datetime", "min": "0500-01-01T00:00:00Z", "max": "0900-12-31T00:00:00Z"},
                    "day": {"type": "date", "min": "0001-01-01", "max": "0999-12-31"}},
    "structured enum": {"e": {"enum": [{"x": 1}, [1, 2], "plain"]}},
    "empty text enum": {"a": {"enum": ["", "x"]}},
}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
@pytest.mark.parametrize("name", list(SCHEMAS))
def test_what_generate_writes_validate_reads_back_as_valid(tmp_path: Path, run_cli: Callable[..., Any], name: str,
                                                           fmt: str) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMAS[name]), "utf-8")
    out = tmp_path / f"out.{fmt}"
    code, _, err = run_cli("generate", "structured", "-s", str(schema), "-n", "200", "--seed", "3", "-o", str(out))
    assert code == 0, err
    code, _, err = run_cli("validate", "-s", str(schema), str(out))
    assert code == 0 and "all 200 rows satisfy the schema" in err, err
    if name.startswith("epoch"):  # read back as the whole numbers JSONL holds, not as text or timestamps
        values = [row["t"] for row in read_records(str(out), Schema.from_payload(SCHEMAS[name]))]
        assert all(isinstance(v, int) for v in values) and len(set(values)) > 150
