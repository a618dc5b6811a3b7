"""Parquet bytes depend on the seed alone: not on what the process generated before, nor on the locale's vocabulary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from agentic_synth.adapters.columns.arrow import arrow_schema, record_batch
from agentic_synth.adapters.engine.records import ColumnEngine
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
ROOT = Path(__file__).resolve().parents[2]
GOLDEN_ARGS = ("-q", "generate", "structured", "--schema", str(GOLDEN / "schema.json"), "-n", "40", "--seed", "42")
# cities repeat names across regions (Springfield, Frankfurt...), words and jobs may too
OTHERS = ('{"c": "city", "loc": {"type": "city", "locale": "de_DE"}}',
          '{"w": {"type": "array", "items": "word", "max_items": 5}, "j": "job", "f": "first_name", "l": "last_name"}')
PICKED = ("city", "first_name", "last_name", "job", "word", "country", "currency", "color")


def test_a_parquet_file_made_after_other_runs_in_the_process_is_the_one_a_fresh_process_makes(run_cli, tmp_path):
    fresh = tmp_path / "fresh.parquet"
    code = ("import sys; from agentic_synth.entrypoints.cli.main import main; "
            "sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, *GOLDEN_ARGS, "-o", str(fresh)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    code, _, err = run_cli(*GOLDEN_ARGS, "-o", str(tmp_path / "before.parquet"))
    assert code == 0, err
    for i, schema in enumerate(OTHERS):
        code, _, err = run_cli("-q", "generate", "structured", "--schema", schema, "-n", "20000", "--seed", "7",
                               "-o", str(tmp_path / f"other{i}.parquet"))
        assert code == 0, err
    code, _, err = run_cli(*GOLDEN_ARGS, "-o", str(tmp_path / "after.parquet"))
    assert code == 0, err
    assert (tmp_path / "before.parquet").read_bytes() == (tmp_path / "after.parquet").read_bytes()
    assert (tmp_path / "after.parquet").read_bytes() == fresh.read_bytes()
    if pq.ParquetFile(fresh).metadata.created_by == pq.ParquetFile(GOLDEN / "users.parquet").metadata.created_by:
        assert fresh.read_bytes() == (GOLDEN / "users.parquet").read_bytes()


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "es_ES"])
def test_the_dictionaries_handed_to_the_parquet_writer_hold_each_value_once_and_decode_to_the_records(locale):
    schema = Schema.from_payload({**{t: {"type": t, "locale": locale} for t in PICKED},
                                  "plan": {"enum": ["a", "b", "a"]}})
    chunk = RecordChunk.from_columns(ColumnEngine(seed=3, locale=locale).columns(schema.fields, 3000, 0, 0))
    batch = record_batch(chunk, schema, arrow_schema(schema, dictionaries=True), dictionaries=True)
    dictionaries = [c for c in batch.columns if hasattr(c, "dictionary")]
    assert len(dictionaries) >= 4  # city, names, enum at least
    for column in dictionaries:
        values = column.dictionary.to_pylist()
        assert len(values) == len(set(values)), column.type
    assert batch.to_pylist() == chunk.rows()
