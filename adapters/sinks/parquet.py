"""Parquet sink: the chunks' RecordBatches written as they come, in row groups sized by bytes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from agentic_synth.adapters.columns.arrow import arrow_schema, record_batch
from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

# A row group is written once the batches waiting for it hold this many bytes of Arrow memory (or
# rows): big enough for readers to skip and scan well, small enough to keep a run's memory flat.
ROW_GROUP_BYTES = 16 << 20
ROW_GROUP_ROWS = 1 << 20
# zstd (level 1, pyarrow's default level): files about a third smaller than snappy's at nearly the same
# write speed, and every current Parquet reader (Arrow, Spark, DuckDB, polars, pandas) reads it.
COMPRESSION = "zstd"
# Dictionary encoding pays off for columns drawn from a small set of values; for the rest (ids,
# emails, phones...) pyarrow would build a dictionary, find it too big and fall back, holding ~2x the
# memory meanwhile. So only these field types get one (arrays of them too).
_DICTIONARY_TYPES = frozenset({"enum", "const", "first_name", "last_name", "city", "country",
                               "country_code", "currency", "job", "word", "color"})


def dictionary_columns(schema: Schema) -> list[str]:
    """Parquet column paths of the small-vocabulary fields (top level, and items of arrays)."""
    out = []
    for f in schema.fields:
        if f.type in _DICTIONARY_TYPES:
            out.append(f.name)
        elif f.type == "array" and f.items is not None and f.items.type in _DICTIONARY_TYPES:
            out.append(f"{f.name}.list.element")
    return out


class ParquetRecordSink:
    """Writes a typed Parquet file; a row group is flushed every ROW_GROUP_BYTES of pending batches."""

    def __init__(self, target: AtomicFile, schema: Schema) -> None:
        self._target = target
        self._schema = schema
        # Vocabulary picks go in as dictionary arrays (their dictionary pages are written as they are,
        # nothing is hashed); the file's own schema says string, so every reader sees plain text.
        self._arrow = arrow_schema(schema, dictionaries=True)
        self._writer = pq.ParquetWriter(target.handle, self._arrow, compression=COMPRESSION,
                                        use_dictionary=dictionary_columns(schema), store_schema=False)
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = self._pending_bytes = 0

    def write(self, chunk: RecordChunk) -> None:
        if not chunk.length:
            return
        batch = record_batch(chunk, self._schema, self._arrow, dictionaries=True)
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        self._pending_bytes += batch.nbytes
        if self._pending_bytes >= ROW_GROUP_BYTES or self._pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.Table.from_batches(self._pending), row_group_size=self._pending_rows)
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self._target.commit()

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self._target.discard()
