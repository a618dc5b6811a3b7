"""Results as tables: `to_arrow()`, `to_pandas()`, `to_polars()` over the run's chunks, and batches.

Each library is optional and imported when its method is called. The table is built from the
engine's column buffers (adapters/columns/arrow.py), never from row dicts: timestamps stay UTC
timestamps, integers int64, dates dates, arrays lists, objects structs.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.results import GenerationResult
from agentic_synth.domain.schema.schema import Schema


def _optional(module: str, extra: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise UsageError(f"{module} is not installed: pip install {extra}") from None


def record_batches(chunks: Iterable[RecordChunk], schema: Schema) -> Iterator[Any]:
    """One pyarrow.RecordBatch per chunk."""
    from agentic_synth.adapters.columns.arrow import arrow_schema, record_batch

    arrow = arrow_schema(schema)
    for chunk in chunks:
        yield record_batch(chunk, schema, arrow)


@attrs.define
class TableResult(GenerationResult):
    """A GenerationResult that also converts to Arrow, pandas and polars tables."""

    def to_arrow(self) -> Any:
        """The records as a pyarrow.Table (an empty table of the schema's columns when none were kept)."""
        import pyarrow as pa

        from agentic_synth.adapters.columns.arrow import arrow_schema

        if self.schema is None:
            return pa.Table.from_pylist(self.records)
        return pa.Table.from_batches(list(record_batches(self.chunks, self.schema)), schema=arrow_schema(self.schema))

    def to_pandas(self) -> Any:
        """The records as a pandas.DataFrame (needs pandas): int64, float64, bool, datetime64[us, UTC] columns."""
        _optional("pandas", "pandas")
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """The records as a polars.DataFrame (needs polars)."""
        polars = _optional("polars", "polars")
        return polars.from_arrow(self.to_arrow())


@contextlib.contextmanager
def collector_spared() -> Iterator[None]:
    """What the CLI's gc.freeze() does, for the length of one SDK run and undone after it.

    Objects alive before the run are moved out of the cycle collector's way, so its collections
    during the run do not rescan them; they go back afterwards. A host that froze objects itself
    (or disabled the collector) is left as it is.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
