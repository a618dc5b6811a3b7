"""Read an output file back the plain way a user would (json, jsonl, csv, parquet), for e2e checks."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


def read_output(path: Path, fmt: str) -> list[dict[str, Any]]:
    """Rows of an output file: JSON values, CSV strings, Parquet typed values."""
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    return pq.read_table(path).to_pylist()
