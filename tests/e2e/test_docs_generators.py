"""The examples in docs/generators.md run as written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "generators.md").read_text(encoding="utf-8")
COMMANDS = [line for block in re.findall(r"```bash\n(.*?)```", DOC, re.S) for line in block.splitlines()
            if line.startswith("agentic-synth generate") and "--realtime" not in line]


def test_the_doc_has_examples_for_both_generators():
    assert sum("generate timeseries" in c for c in COMMANDS) >= 3
    assert sum("generate events" in c for c in COMMANDS) >= 3


@pytest.mark.parametrize("command", COMMANDS)
def test_each_cli_example_runs_and_prints_json_lines(run_cli, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*shlex.split(command)[1:])
    assert code == 0, err
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert rows and all("timestamp" in r for r in rows)


def test_the_python_example_runs(container):
    code = re.search(r"```python\n(.*?)```", DOC, re.S)
    assert code is not None
    scope: dict[str, object] = {"container": container}
    exec(code.group(1).replace("AgenticSynth()", "AgenticSynth(container=container)"), scope)
    synth = scope["synth"]
    records = synth.generate("coins", schema={"n": "integer", "side": ["heads", "tails"]}, count=3, seed=1).records
    assert [r["n"] for r in records] == [0, 1, 2]
