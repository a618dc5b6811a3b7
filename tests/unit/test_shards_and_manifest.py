"""Shards are index ranges that tile a job; part splits sit on chunk edges; a manifest reads back or says why not."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.domain.batch.manifest import JobEntry, Manifest, PartEntry
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.shards import RecordRange, Shard, split


@given(total=st.integers(0, 10**7), count=st.integers(1, 64))
def test_the_shards_of_a_job_tile_its_records_in_order(total, count) -> None:
    ranges = [Shard(i, count).range_of(total) for i in range(count)]
    assert ranges[0].start == 0 and ranges[-1].stop == total
    assert all(a.stop == b.start for a, b in itertools.pairwise(ranges))
    assert max(map(len, ranges)) - min(map(len, ranges)) <= 1


@given(total=st.integers(1, 10**7), parts=st.integers(1, 200))
def test_parts_tile_the_job_on_chunk_edges(total, parts) -> None:
    ranges = split(total, parts, 8192)
    assert ranges[0].start == 0 and ranges[-1].stop == total
    assert all(a.stop == b.start and a.stop % 8192 == 0 for a, b in itertools.pairwise(ranges))
    assert all(len(r) > 0 for r in ranges)
    assert len(ranges) == min(parts, -(-total // 8192))


@pytest.mark.parametrize(("text", "message"), [
    ("3/3", "I in 0..N-1"), ("1/0", "N must be >= 1"), ("a/b", "expected I/N"), ("-1/2", "expected I/N"),
    ((1,), "expected I/N"), ((True, 2), "expected I/N"),
])
def test_a_bad_shard_is_a_usage_error_that_says_the_form(text, message) -> None:
    with pytest.raises(UsageError, match=message):
        Shard.parse(text)


def test_a_shard_reads_as_text_or_a_pair() -> None:
    assert Shard.parse(" 2 / 7 ") == Shard.parse((2, 7)) == Shard(2, 7)
    assert str(Shard(2, 7)) == "2/7"
    assert len(RecordRange(5, 9)) == 4


def test_a_manifest_reads_back_what_it_wrote() -> None:
    part = PartEntry(part=1, file="users/part-00001.parquet", start=10, stop=20, records=10, bytes=123,
                     sha256="ab" * 32, seed=7, seconds=0.5)
    manifest = Manifest(jobs={"users": JobEntry(kind="structured", format="parquet", seed=7, count=20, parts_total=2,
                                                fingerprint="f" * 32, parts={1: part})})
    again = Manifest.from_payload(manifest.to_dict(), "m.json")
    assert again.jobs["users"].parts == {1: part}
    assert not again.jobs["users"].complete
    assert again.to_dict()["jobs"]["users"]["records"] == 10


@pytest.mark.parametrize("payload", [[], {"version": 2, "jobs": {}}, {"version": 1, "jobs": {"a": {"kind": "x"}}},
                                     {"version": 1, "jobs": {"a": {"kind": "s", "format": "jsonl", "seed": "x",
                                                                   "count": 1, "parts_total": 1, "fingerprint": "",
                                                                   "parts": []}}}])
def test_a_manifest_that_is_not_ours_is_one_usage_error_naming_the_file(payload) -> None:
    with pytest.raises(UsageError, match=r"m\.json is not a manifest this version wrote"):
        Manifest.from_payload(payload, "m.json")
