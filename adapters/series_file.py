"""Read the rows of a reference or data file for series comparison (json, jsonl, csv, parquet), types inferred."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.sinks.factory import resolve_format
from agentic_synth.domain.errors import UsageError


def read_rows(path: str, flag: str) -> list[dict[str, Any]]:
    """All rows of `path` as dicts; CSV numbers come back as numbers (pyarrow infers each column's type)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{flag}: file '{path}' not found")
    fmt = resolve_format(path, None)
    try:
        if fmt == "jsonl":
            return [orjson.loads(line) for line in p.read_bytes().splitlines() if line.strip()]
        if fmt == "json":
            rows = orjson.loads(p.read_bytes())
            if not isinstance(rows, list):
                raise UsageError(f"{flag}: '{path}' is not a JSON array of records")
            return rows
        if fmt == "csv":
            import pyarrow.csv as pacsv

            return pacsv.read_csv(p).to_pylist()
        import pyarrow.parquet as pq

        return pq.read_table(p).to_pylist()
    except UsageError:
        raise
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"{flag}: '{path}' is not valid JSON: {exc}") from None
    except Exception as exc:  # pyarrow's ArrowInvalid and friends: a file that is not what its name says
        raise UsageError(f"{flag}: cannot read '{path}': {type(exc).__name__}: {exc}") from None
