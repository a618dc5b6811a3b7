"""Read the rows of a data file without a schema (json, jsonl, csv, parquet; types inferred): all, or the first few."""

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


def read_head(path: str, n: int) -> list[dict[str, Any]]:
    """The first `n` rows, reading no more of the file than they need (a JSON array is read whole)."""
    if n <= 0:
        return []
    fmt = resolve_format(path, None)
    if fmt == "jsonl":
        rows = []
        with open(path, "rb") as handle:
            for line in handle:
                if line.strip():
                    rows.append(orjson.loads(line))
                if len(rows) == n:
                    break
        return rows
    if fmt == "parquet":
        import pyarrow.parquet as pq

        batch = next(pq.ParquetFile(path).iter_batches(batch_size=n), None)
        return [] if batch is None else batch.to_pylist()
    if fmt == "csv":
        import pyarrow.csv as pacsv

        reader = pacsv.open_csv(path)
        head: list[dict[str, Any]] = []
        for batch in reader:
            head.extend(batch.to_pylist()[:n - len(head)])
            if len(head) >= n:
                break
        return head
    return read_rows(path, "output")[:n]
