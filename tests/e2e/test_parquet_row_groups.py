"""Parquet output is written a row group at a time as chunks stream in, each group sized by bytes."""

from __future__ import annotations

import pyarrow.parquet as pq

from agentic_synth.adapters.sinks import parquet
from agentic_synth.domain.generation.requests import CHUNK_SIZE


def test_row_groups_close_once_their_batches_reach_the_byte_target(run_cli, tmp_path, monkeypatch):
    # 16 bytes a record (two int64 columns... the id and the enum's codes are smaller): a 1 MiB target
    # holds a few chunks of 8,192 records, so 300,000 records make several groups, all but the last full
    monkeypatch.setattr(parquet, "ROW_GROUP_BYTES", 1 << 20)
    out = tmp_path / "ids.parquet"
    count = 300_000
    schema = '{"id": {"type": "integer", "unique": true, "min": 1, "max": 1000000}, "x": "number"}'
    code, _, err = run_cli("-q", "generate", "structured", "--schema", schema, "-n", str(count), "--seed", "3",
                           "-o", str(out))
    assert code == 0, err
    meta = pq.ParquetFile(out).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == count and len(sizes) > 2
    chunks_per_group = -(-(1 << 20) // (CHUNK_SIZE * 16))  # 16 bytes of Arrow memory a record
    assert sizes[:-1] == [chunks_per_group * CHUNK_SIZE] * (len(sizes) - 1)
    assert pq.read_table(out).column("id").to_pylist() == pq.read_table(out).column("id").unique().to_pylist()
