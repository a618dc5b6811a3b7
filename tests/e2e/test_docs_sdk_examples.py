"""The self-contained Python examples in docs/sdk.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "sdk.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "from agentic_synth import" in b]


def test_the_sdk_guide_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_self_contained_sdk_example_runs(block: str, capsys) -> None:
    namespace: dict = {}
    exec(compile(block, "docs/sdk.md", "exec"), namespace)
    if "PrintSink" in namespace:
        assert len(capsys.readouterr().out.splitlines()) == 3
    if "Dice" in namespace:
        rolls = namespace["synth"].generate("dice", schema={"roll": "integer"}, count=50, seed=2, dice=3).records
        assert len(rolls) == 50 and all(3 <= r["roll"] <= 18 for r in rolls)
