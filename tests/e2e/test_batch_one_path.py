"""A batch checks each job once, while planning: its request and model stack are the ones its run then uses."""

from __future__ import annotations

import itertools
import threading

import pytest
from pytest_mock import MockerFixture

from agentic_synth import AgenticSynth
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import UsageError
from agentic_synth.entrypoints import sdk
from agentic_synth.entrypoints.container import Container
from agentic_synth.entrypoints.model_stack import ModelStack
from tests.containers import reconfigure, swap_providers
from tests.fakes import FakeTextModel, records_reply

SCHEMA = {"n": {"type": "integer", "min": 0, "max": 10**9}}


def _numbering() -> FakeTextModel:
    numbers, lock = itertools.count(), threading.Lock()

    def reply(request: ModelRequest) -> str:
        with lock:
            return records_reply([{"n": next(numbers)} for _ in range(10)])

    return FakeTextModel(default=reply, provider="gemini", tokens_in=1000, tokens_out=500, cost_usd=0.0)


@pytest.fixture
def synth(container: Container) -> AgenticSynth:
    reconfigure(container, {"apiKeys": {"gemini": "test-key"}, "cache": {"enabled": False},
                            "providers": {"gemini": {"models": ["my-model"]}}})
    swap_providers(container, _numbering(), "gemini")
    return AgenticSynth(container=container)


def _job(name: str, model: str = "gemini-2.0-flash") -> dict[str, object]:
    return {"name": name, "kind": "structured", "schema": SCHEMA, "count": 20,
            "options": {"mode": "llm", "model": model, "batch_size": 10}}


def test_an_unpriced_model_under_the_batch_budget_is_refused_before_any_file(synth: AgenticSynth, tmp_path) -> None:
    with pytest.raises(UsageError, match=r"jobs\[1\] \(b\): --budget: the price of model 'my-model' is unknown"):
        synth.batch({"budget": 1.0, "jobs": [_job("a"), _job("b", "my-model")]}, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_each_job_builds_its_request_and_model_stack_once(synth: AgenticSynth, tmp_path,
                                                          mocker: MockerFixture) -> None:
    requests, stacks = mocker.spy(sdk, "build_request"), mocker.spy(ModelStack, "__init__")
    result = synth.batch({"budget": 1.0, "jobs": [_job("a"), _job("b"), {"name": "c", "kind": "structured",
                                                                         "schema": SCHEMA, "count": 5}]},
                         output_dir=tmp_path / "out", parallel=2)
    assert result.ok and [job.records for job in result.jobs] == [20, 20, 5]
    assert requests.call_count == 3 and stacks.call_count == 2  # the engine job needs no model stack
    requests.reset_mock(), stacks.reset_mock()
    assert result.budget_spent_usd is not None and result.budget_spent_usd > 0
