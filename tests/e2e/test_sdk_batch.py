"""`AgenticSynth.batch`: per-job results, failures in the result, and one budget shared by the batch's model jobs."""

from __future__ import annotations

import itertools
import json
import threading

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import UsageError
from agentic_synth.entrypoints.container import Container
from tests.containers import reconfigure, swap_providers
from tests.fakes import MIDWAY_ERRORS, FailingGenerator, FakeTextModel, records_reply

SCHEMA = {"n": {"type": "integer", "min": 0, "max": 10**9}}


def test_batch_takes_a_list_of_jobs_and_returns_each_jobs_outcome(container: Container, tmp_path) -> None:
    synth = AgenticSynth(container=container)
    synth.register_generator(FailingGenerator(MIDWAY_ERRORS["provider"]))
    seen: list[str] = []
    result = synth.batch([{"name": "a", "kind": "structured", "schema": SCHEMA, "count": 40, "format": "csv"},
                          {"name": "bad", "kind": "failing", "schema": {"n": "integer"}},
                          {"name": "c", "kind": "structured", "schema": SCHEMA, "seed": 5}],
                         output_dir=tmp_path / "out", parallel=2, seed=9, on_done=lambda o: seen.append(o.name))
    assert sorted(seen) == ["a", "bad", "c"] and not result.ok and result.seed == 9
    assert [j.name for j in result.failed] == ["bad"] and result["bad"].error == "gemini: HTTP 500 after 3 retries"
    assert result["a"].records == 40 and len((tmp_path / "out" / "a.csv").read_text().splitlines()) == 41
    direct = synth.generate("structured", schema=SCHEMA, seed=5)
    assert [json.loads(line) for line in (tmp_path / "out" / "c.jsonl").read_text().splitlines()] == direct.records
    assert result["c"].seed == 5 and result["a"].seed != 9


def test_batch_checks_every_job_before_writing_anything(container: Container, tmp_path) -> None:
    synth = AgenticSynth(container=container)
    with pytest.raises(UsageError, match=r"batch: jobs\[1\] \(b\): unknown generator 'structurd'"):
        synth.batch([{"name": "a", "kind": "structured", "schema": SCHEMA},
                     {"name": "b", "kind": "structurd", "schema": SCHEMA}], output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def NumberingModel() -> FakeTextModel:
    """Replies with 10 new records per call (never duplicates), at 1000 tokens in and 500 out."""
    numbers = itertools.count()
    lock = threading.Lock()

    def reply(request: ModelRequest) -> str:
        with lock:
            return records_reply([{"n": next(numbers)} for _ in range(10)])

    return FakeTextModel(default=reply, provider="gemini", tokens_in=1000, tokens_out=500, cost_usd=0.0)


def test_a_batch_budget_is_shared_by_its_model_jobs_and_never_overspent(container: Container, tmp_path) -> None:
    reconfigure(container, {"apiKeys": {"gemini": "test-key"}, "cache": {"enabled": False}})
    swap_providers(container, NumberingModel(), "gemini")
    synth = AgenticSynth(container=container)
    jobs = [{"name": f"j{i}", "kind": "structured", "schema": SCHEMA, "count": 200,
             "options": {"mode": "llm", "model": "gemini-2.0-flash", "batch_size": 10}} for i in range(3)]
    limit = 0.012
    alone = synth.batch({"jobs": jobs[:1]}, output_dir=tmp_path / "alone", parallel=1)
    assert alone.ok and alone.cost_usd < limit  # one job alone fits in the budget...
    result = synth.batch({"budget": limit, "jobs": jobs}, output_dir=tmp_path / "out", parallel=3)
    assert result.budget_spent_usd is not None
    assert result.budget_spent_usd <= limit < 3 * alone.cost_usd  # ...three do not: the budget is one for all
    stopped = [j for j in result.jobs if j.status == "failed"]
    assert stopped and all(j.error is not None and "budget reached" in j.error for j in stopped)
    kept = sum(len((tmp_path / "out" / f"{job.name}.jsonl").read_text().splitlines()) for job in stopped)
    assert kept > 0 and kept + sum(j.records for j in result.jobs if j.ok) < 600  # the records paid for are kept, whole
    assert all(job.file is not None for job in result.jobs)
    report = json.loads(json.dumps(result.to_dict()))
    assert report["budget_usd"] == limit and report["budget_spent_usd"] == round(result.budget_spent_usd, 6)
