"""The examples of docs/routing-and-cost.md run as written."""

from __future__ import annotations

import json
import re
import shlex
import time
from pathlib import Path

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.ai.routing import RoutingPolicy
from agentic_synth.domain.config.settings import Settings
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.model_stack import catalog_of
from tests.integration.test_llm_realistic import FAST
from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply
from tests.servers.realistic import RealisticModelServer

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "routing-and-cost.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def test_every_config_example_is_accepted_and_means_what_the_text_says() -> None:
    catalog_example, routing_example = (json.loads(block) for block in _blocks("json")[:2])
    catalog = catalog_of(structure(catalog_example, Settings, origin="docs/routing-and-cost.md"))
    assert catalog.get("acme/model-x").output_per_mtok == 0.6  # type: ignore[union-attr]
    assert catalog.get("gemini-2.5-flash").output_per_mtok == 2.0  # type: ignore[union-attr]
    policy = RoutingPolicy.from_settings(structure(routing_example, Settings, origin="docs/routing-and-cost.md").models)
    assert policy.strategy == "hybrid" and policy.fallback_chain == ("gemini-pro", "gpt-4", "claude-3")
    assert catalog.canonical(policy.defaults["structured"]) == "anthropic/claude-sonnet-4"


def test_the_estimate_example_runs_and_spends_nothing(run_cli, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    line = next(cmd for block in _blocks("bash") for cmd in block.splitlines() if "examples/schemas" in cmd)
    code, out, err = run_cli(*shlex.split(line)[1:])
    assert code == 0, err
    assert out.decode().rstrip().endswith("nothing was generated and nothing was spent")


def test_the_python_example_runs() -> None:
    namespace: dict[str, object] = {}
    exec(_blocks("python")[0], namespace)
    assert len(namespace["result"].records) == 100  # type: ignore[attr-defined]


def test_the_hand_over_example_finishes_in_seconds_past_a_model_throttled_for_20s(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    config = _blocks("json")[2]
    line = next(cmd for block in _blocks("bash") for cmd in block.splitlines() if "llm-fallback.json" in cmd)
    with FakeOpenAIServer(default_handler=lambda request: openai_error_reply(429, retry_after=20)) as busy, \
            RealisticModelServer(FAST) as local:
        (tmp_path / "llm-fallback.json").write_text(
            config.replace("http://127.0.0.1:8001", busy.url).replace("http://127.0.0.1:8000", local.url))
        started = time.monotonic()
        code = main(shlex.split(line)[1:])
        took = time.monotonic() - started
        busy_calls = len(busy.completion_requests)
    report = json.loads((tmp_path / "users.report.json").read_text())
    assert code == 0 and took < 10 and busy_calls <= 8
    assert report["models"]["local-model"]["records"] == 100 and report["models"]["busy-model"]["failures"] >= 1
