"""The python examples of docs/schema.md run (their asserts check the records); its console blocks are run and
compared with what they quote by tests/e2e/test_docs_examples.py, like every page's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text(encoding="utf-8")
PYTHON = re.findall(r"```python\n(.*?)```", DOC, re.S)
CONSOLE = re.findall(r"```console\n(.*?)```", DOC, re.S)


def test_the_schema_guide_has_runnable_examples() -> None:
    assert len(PYTHON) >= 2 and CONSOLE


@pytest.mark.parametrize("code", PYTHON, ids=[f"python{i}" for i in range(len(PYTHON))])
def test_each_python_example_runs(code: str) -> None:
    exec(compile(code, "docs/schema.md", "exec", dont_inherit=True), {"__name__": "docs_schema"})
