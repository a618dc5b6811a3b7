"""The examples of docs/routing-and-cost.md run as written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from agentic_synth.entrypoints.model_stack import catalog_from_config, policy_from_config

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "routing-and-cost.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def test_every_config_example_is_accepted_and_means_what_the_text_says() -> None:
    catalog_example, routing_example = (json.loads(block) for block in _blocks("json"))
    catalog = catalog_from_config(catalog_example)
    assert catalog.get("acme/model-x").output_per_mtok == 0.6  # type: ignore[union-attr]
    assert catalog.get("gemini-2.5-flash").output_per_mtok == 2.0  # type: ignore[union-attr]
    policy = policy_from_config(routing_example)
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
