"""Parquet output is written a row group at a time as chunks stream in, not gathered at the end."""

from __future__ import annotations

import pyarrow.parquet as pq

from agentic_synth.adapters.sinks.parquet import ROW_GROUP


def test_a_parquet_file_is_made_of_row_groups_of_the_fixed_size(run_cli, tmp_path):
    out = tmp_path / "ids.parquet"
    count = 2 * ROW_GROUP + 1234
    schema = '{"id": {"type": "integer", "unique": true, "min": 1, "max": 1000000}, "plan": ["free", "pro"]}'
    code, _, err = run_cli("-q", "generate", "structured", "--schema", schema, "-n", str(count), "--seed", "3",
                           "-o", str(out))
    assert code == 0, err
    meta = pq.ParquetFile(out).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [ROW_GROUP, ROW_GROUP, 1234]
    assert pq.read_table(out).column("id").to_pylist() == pq.read_table(out).column("id").unique().to_pylist()
