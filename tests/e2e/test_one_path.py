"""One CLI run takes one path: its schema is parsed once, its request built once, its model stack composed once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from agentic_synth.domain.schema.schema import Schema
from agentic_synth.entrypoints import model_stack, sdk
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from agentic_synth.entrypoints.model_stack import ModelStack
from tests.e2e.ai_stack_helpers import SCHEMA, Writer, valid_rows
from tests.servers.openai_fake import FakeOpenAIServer


@pytest.fixture
def counted(mocker: MockerFixture) -> Iterator[dict[str, object]]:
    """Spies on what a run should do once: parse the schema, build the request, compose the model stack."""
    spies = {"schema loads": mocker.spy(Schema, "from_payload"),
             "request builds": mocker.spy(sdk, "build_request"),
             "price checks": mocker.spy(model_stack, "check_prices"),
             "model-stack builds": mocker.spy(ModelStack, "__init__")}
    yield spies
    for spy in spies.values():  # the calls' arguments hold the run's objects (HTTP clients): let them go now
        spy.reset_mock()  # type: ignore[attr-defined]


def _counts(spies: dict[str, object]) -> dict[str, int]:
    return {name: spy.call_count for name, spy in spies.items()}  # type: ignore[attr-defined]


def test_an_llm_run_parses_its_schema_builds_its_request_and_composes_its_model_stack_once_each(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], counted: dict[str, object]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    out = tmp_path / "reviews.jsonl"
    with FakeOpenAIServer(responder=Writer()) as server:
        container = build_container(load_plugins=False, providers={"local": {
            "baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 2}})
        code = main(["generate", "structured", "-s", str(schema), "-n", "30", "--model", "m", "--batch-size", "10",
                     "--budget", "1", "-o", str(out), "-q"], container=container)
        calls = len(server.completion_requests)
    err = capsys.readouterr().err
    assert code == 2 and "--budget: the price of model 'm' is unknown" in err  # checked once, before any call
    assert calls == 0 and not out.exists()
    assert _counts(counted) == {"schema loads": 1, "request builds": 1, "price checks": 1, "model-stack builds": 0}


def test_a_priced_llm_run_does_everything_once_and_writes_every_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], counted: dict[str, object]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    out = tmp_path / "reviews.jsonl"
    with FakeOpenAIServer(responder=Writer()) as server:
        container = build_container(load_plugins=False, providers={"local": {
            "baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 2}},
            models={"catalog": {"m": {"provider": "local", "inputPerMTok": 0.1, "outputPerMTok": 0.4}}})
        code = main(["generate", "structured", "-s", str(schema), "-n", "30", "--model", "m", "--batch-size", "10",
                     "--budget", "1", "-o", str(out)], container=container)
        calls = len(server.completion_requests)
    err = capsys.readouterr().err
    counts = _counts(counted)
    assert code == 0, err
    assert counts == {"schema loads": 1, "request builds": 1, "price checks": 1, "model-stack builds": 1}
    assert len(valid_rows(out)) == 30 and calls == 3


def test_an_engine_run_parses_its_schema_once_and_composes_no_model_stack(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], counted: dict[str, object]) -> None:
    out = tmp_path / "people.csv"
    code = main(["generate", "structured", "-s", json.dumps(SCHEMA), "-n", "5", "--budget", "0.10", "-o", str(out),
                 "-q"], container=build_container(load_plugins=False))
    assert code == 0, capsys.readouterr().err
    assert _counts(counted) == {"schema loads": 1, "request builds": 1, "price checks": 0, "model-stack builds": 0}
