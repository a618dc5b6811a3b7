"""The llm-mode examples of docs/providers.md run as written, against a local fake of a realistic model server."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from agentic_synth.entrypoints.cli.main import main
from tests.integration.test_llm_realistic import FAST
from tests.servers.realistic import RealisticModelServer

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "providers.md").read_text(encoding="utf-8")
DOC_URL = "http://127.0.0.1:8000"


def _file_block(name: str) -> str:
    """The json block that follows the line introducing `name`."""
    return re.search(rf"`{re.escape(name)}`[^\n]*:\n```json\n(.*?)```", DOC, flags=re.DOTALL).group(1)


def _commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", DOC, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if "--config llm-local.json" in line]


@pytest.fixture
def local_server(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    with RealisticModelServer(FAST) as server:
        (tmp_path / "llm-local.json").write_text(_file_block("llm-local.json").replace(DOC_URL, server.url))
        (tmp_path / "reviews.json").write_text(_file_block("reviews.json"))
        yield server


def test_the_doc_has_the_examples_the_tests_run():
    assert len(_commands()) == 3 and DOC_URL in _file_block("llm-local.json")


def test_every_llm_example_runs_and_ends_as_the_text_says(local_server, tmp_path, capsys):
    codes = [main(shlex.split(line)[1:]) for line in _commands()]
    err = capsys.readouterr().err
    assert codes == [0, 0, 5], err  # text columns, then the two runs of "When a run stops"
    users = (tmp_path / "users.jsonl").read_text().splitlines()
    assert len(users) == 200 and json.loads((tmp_path / "users.report.json").read_text())["records"] == 200
    partial = json.loads((tmp_path / "partial.report.json").read_text())
    assert partial["calls"] == 3 and partial["stopped"]["exit_code"] == 5
    assert len((tmp_path / "partial.jsonl").read_text().splitlines()) == partial["records"] > 0
    reviews = [json.loads(line) for line in (tmp_path / "reviews.jsonl").read_text().splitlines()]
    assert len(reviews) == 300 and all(r["review"] for r in reviews)
