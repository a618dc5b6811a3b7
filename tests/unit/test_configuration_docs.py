"""Every JSON example in docs/configuration.md is a valid configuration, and the error examples are real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.config.settings import Settings
from agentic_synth.entrypoints.cli.init import STARTER

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
EXAMPLES = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_each_json_example_is_a_valid_configuration(example: str) -> None:
    structure(json.loads(example), Settings, origin="docs/configuration.md")


def test_the_complete_example_is_exactly_what_init_writes() -> None:
    assert json.loads(EXAMPLES[0]) == STARTER


def test_every_top_level_and_nested_key_of_the_settings_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in ("apiKeys.gemini", "apiKeys.openRouter", "cache.persistPath", "models.routing.fallbackChain",
                "models.defaults.structured", "inputPerMTok", "tokensPerMinute", "maxConcurrency",
                "integrations.agenticRobotics.enabled", "integrations.ruvector.dbPath",
                "generators.timeseries.defaultSampleRate", "generators.events.defaultRate"):
        assert f"`{key}`" in text, key
