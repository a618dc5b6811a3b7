"""The self-contained Python examples in docs/integrations.md run as written (in a temp directory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "integrations.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "from agentic_synth import" in b]


def test_the_integrations_guide_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_self_contained_integration_example_runs(block: str, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "docs/integrations.md", "exec"), {})
    if "vector_search" in block:
        assert capsys.readouterr().out.strip() == "['vectorized 500 records into local:people.sqlite']"
        assert (tmp_path / "people.sqlite").is_file()


def test_the_plugin_table_names_the_entry_point_group_the_code_reads() -> None:
    from agentic_synth.integrations import ENTRY_POINT_GROUP

    assert f"**`{ENTRY_POINT_GROUP}`**" in DOC and f'"{ENTRY_POINT_GROUP}"' in DOC
