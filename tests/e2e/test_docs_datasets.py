"""docs/datasets.md: the page shows the example file, and its Python examples print what it says.

Its commands, and their quoted output, are run by tests/e2e/test_docs_examples.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "datasets" / "shop.yaml"
DOC = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
TABLES = ("customers", "products", "orders", "order_lines", "tags", "order_tags")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


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
