"""Batch files parse into checked jobs: defaults inherited, errors naming file, job and key, derived seeds."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.domain.batch.spec import BatchSpec, derive_seed
from agentic_synth.domain.errors import UsageError

JOB = {"name": "users", "kind": "structured", "schema": {"id": "uuid"}}


def parse(payload: object) -> BatchSpec:
    return BatchSpec.from_payload(payload, source="batch.yaml", base_dir="/data/batches")


def test_jobs_inherit_defaults_and_their_own_keys_win() -> None:
    spec = parse({"seed": 7, "parallel": 3, "defaults": {"kind": "structured", "count": 100, "format": "csv",
                                                         "options": {"locale": "de_DE", "batch-size": 20}},
                  "jobs": [{"name": "a", "schema": "schemas/a.json"},
                           {"name": "b", "schema": {"x": "name"}, "count": 5, "format": "PARQUET",
                            "options": {"locale": "fr_FR"}}]})
    a, b = spec.jobs
    assert (spec.seed, spec.parallel, a.kind, a.count, a.format, b.count, b.format) == (7, 3, "structured", 100,
                                                                                      "csv", 5, "parquet")
    assert a.options == {"locale": "de_DE", "batch_size": 20}
    assert b.options == {"locale": "fr_FR", "batch_size": 20}
    assert a.schema == os.path.join("/data/batches", "schemas/a.json")  # relative to the batch file
    assert (a.file_name, b.file_name) == ("a.csv", "b.parquet")


def test_a_bare_list_is_a_batch_of_those_jobs_and_inline_json_text_stays_as_it_is() -> None:
    spec = parse([{**JOB, "schema": '{"id": "uuid"}', "output": "./out/users.jsonl"}])
    assert spec.jobs[0].schema == '{"id": "uuid"}' and spec.jobs[0].file_name == "out/users.jsonl"
    assert spec.seed is None and spec.budget_usd is None


@pytest.mark.parametrize(("payload", "message"), [
    ({"jobs": [JOB, JOB]},
     "batch.yaml: jobs[1].name: 'users' is already the name of jobs[0]"),
    ({"jobs": [JOB, {**JOB, "name": "b"}, {**JOB, "name": "c", "count": -1}]},
     "batch.yaml: jobs[2].count: must be a whole number >= 0, got -1"),
    ({"jobs": [{**JOB, "count": 2.5}]}, "batch.yaml: jobs[0].count: must be a whole number >= 0, got 2.5"),
    ({"jobs": [{**JOB, "count": True}]}, "batch.yaml: jobs[0].count: must be a whole number >= 0, got True"),
    ({"defaults": {"count": "many"}, "jobs": [JOB]},
     "batch.yaml: defaults.count: must be a whole number >= 0, got 'many'"),
    ({"jobs": [{**JOB, "cuont": 5}]}, "batch.yaml: jobs[0].cuont: unknown key (did you mean 'count'?); known: "
                                      "name, kind, schema, count, seed, format, output, parts, options"),
    ({"job": [JOB]}, "batch.yaml: job: unknown key (did you mean 'jobs'?); known: seed, parallel, budget, "
                     "defaults, jobs"),
    ({"jobs": []}, "batch.yaml: jobs: must be a non-empty list of jobs, got a list"),
    ({"seed": 1}, "batch.yaml: jobs: must be a non-empty list of jobs, got nothing"),
    ("jobs", "batch.yaml: expected a mapping of keys, got a string"),
    ({"jobs": [{"kind": "structured", "schema": {}}]},
     "batch.yaml: jobs[0].name: is required (a job's name seeds it and names its file)"),
    ({"jobs": [{"name": "a", "schema": {}}]}, "batch.yaml: jobs[0].kind: is required (here or under defaults)"),
    ({"jobs": [{"name": "a", "kind": "structured"}]},
     "batch.yaml: jobs[0].schema: is required (here or under defaults)"),
    ({"jobs": [{**JOB, "name": "../etc"}]},
     "batch.yaml: jobs[0].name: '../etc' must be letters, digits, '_', '-' or '.' (it names the job's file)"),
    ({"jobs": [{**JOB, "output": "/tmp/x.csv"}]}, "batch.yaml: jobs[0].output: '/tmp/x.csv' must be a file name "
                                                   "inside the output directory, not an absolute path"),
    ({"jobs": [{**JOB, "output": "../x.csv"}]},
     "batch.yaml: jobs[0].output: '../x.csv' must be a file name inside the output directory"),
    ({"jobs": [{**JOB, "output": "u.jsonl"}, {**JOB, "name": "u", "format": "JSONL"}]},
     "batch.yaml: jobs[1].output: 'u.jsonl' is already written by jobs[0] (users)"),
    ({"jobs": [{**JOB, "options": {"output": "x"}}]}, "batch.yaml: jobs[0].options.output: use the job's 'output' key"),
    ({"jobs": [{**JOB, "options": {"stream": True}}]},
     "batch.yaml: jobs[0].options.stream: not available in a batch (each job's file is written whole, atomically)"),
    ({"jobs": [{**JOB, "options": ["interval", "1m"]}]},
     "batch.yaml: jobs[0].options: expected a mapping of options, got a list"),
    ({"jobs": [JOB], "parallel": 0}, "batch.yaml: parallel: must be a whole number >= 1 and <= 256, got 0"),
    ({"jobs": [JOB], "budget": "free"},
     "batch.yaml: budget: expected a positive amount in USD (like 0.50), got 'free'"),
    ({"jobs": [{**JOB, "options": {"budget": 1}}], "budget": 2},
     "batch.yaml: jobs[0].options.budget: the batch has a shared budget; a job cannot have its own as well "
     "(drop one of them)"),
    ({"jobs": [{**JOB, "seed": -3}]}, "batch.yaml: jobs[0].seed: must be a whole number >= 0, got -3"),
])
def test_a_bad_batch_is_one_error_naming_the_file_the_job_and_the_key(payload, message) -> None:
    with pytest.raises(UsageError) as caught:
        parse(payload)
    assert str(caught.value) == message


def test_a_shared_budget_may_be_written_in_dollars() -> None:
    assert parse({"jobs": [JOB], "budget": "$0.25"}).budget_usd == 0.25


def test_a_jobs_seed_comes_from_the_batch_seed_and_its_name_alone() -> None:
    spec = parse({"jobs": [JOB, {**JOB, "name": "orders"}, {**JOB, "name": "fixed", "seed": 5}]})
    users, orders, fixed = spec.jobs
    assert users.seed_for(1) == derive_seed(1, "users") != orders.seed_for(1)
    assert users.seed_for(1) != users.seed_for(2) and fixed.seed_for(1) == fixed.seed_for(2) == 5
    reordered = parse({"jobs": [{**JOB, "name": "new"}, {**JOB, "name": "orders"}, JOB]})
    assert [j.seed_for(1) for j in reordered.jobs[1:]] == [orders.seed_for(1), users.seed_for(1)]


@given(st.integers(min_value=0, max_value=2**63 - 1), st.text(min_size=1, max_size=30))
def test_derived_seeds_are_stable_whole_numbers_below_two_to_the_32(seed: int, name: str) -> None:
    derived = derive_seed(seed, name)
    assert 0 <= derived < 2**32 and derived == derive_seed(seed, name)


def test_derived_seeds_of_many_jobs_do_not_collide() -> None:
    seeds = {derive_seed(42, f"job-{i}") for i in range(2000)}
    assert len(seeds) == 2000
