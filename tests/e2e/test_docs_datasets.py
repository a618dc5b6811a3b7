"""docs/datasets.md: the page shows the example file, and its Python examples print what it says.

Its commands, and their quoted output, are run by tests/e2e/test_docs_examples.py.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "datasets" / "shop.yaml"
DOC = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
TABLES = ("customers", "products", "orders", "order_lines", "tags", "order_tags")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def _where(arg: str, tmp_path: Path) -> str:
    """Outputs of the page go to a temporary folder; the example file is read where it is."""
    if arg.endswith("/") and not arg.startswith("examples"):
        return str(tmp_path / arg.rstrip("/"))
    return arg


def test_the_page_shows_the_example_dataset_file() -> None:
    assert _blocks("yaml")[0] == EXAMPLE.read_text(encoding="utf-8")


def test_the_python_examples_of_the_page_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks("python")
    assert len(blocks) == 2
    (tmp_path / "examples" / "datasets").mkdir(parents=True)
    (tmp_path / "examples" / "datasets" / "shop.yaml").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "docs/datasets.md", "exec", dont_inherit=True), {"__name__": "docs_example"})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("1000 customers, ") and printed[1].endswith(" order lines")
    assert printed[2].split()[0] in ("free", "pro") and printed[2].split()[1] == "2025"
    assert os.path.getsize(tmp_path / "shop.db") > 0
    assert yaml.safe_load(EXAMPLE.read_text())["seed"] == 42


def test_the_shard_example_joins_to_the_single_run(run_cli: Callable[..., tuple[int, bytes, str]], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    lines = next(b for b in _blocks("bash") if "--shard" in b).splitlines()
    commands = [shlex.split(line) for line in lines if line.startswith("agentic-synth")]
    assert len(commands) == 2 and all("--shard" in argv for argv in commands)
    for argv in commands:
        code, _, stderr = run_cli(*[_where(a, tmp_path) for a in argv[1:]])
        assert code == 0, stderr
    assert run_cli("generate", "dataset", "-s", str(EXAMPLE), "-o", str(tmp_path / "whole"))[0] == 0
    joined = shlex.split(lines[-1].split("#")[0].split(">")[0])[1:]  # cat shop-0/orders.jsonl shop-1/...
    assert b"".join((tmp_path / p).read_bytes() for p in joined) == (tmp_path / "whole" / "orders.jsonl").read_bytes()
