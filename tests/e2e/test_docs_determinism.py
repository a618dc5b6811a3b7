"""The examples in docs/determinism.md run and hold."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "determinism.md").read_text(encoding="utf-8")


def test_the_python_example_runs_and_its_assertion_holds(tmp_path, monkeypatch):
    shutil.copy(ROOT / "examples" / "schemas" / "users.json", tmp_path / "users.json")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/determinism.md", "exec"), {})


def test_the_console_example_gives_identical_files(run_cli, tmp_path, monkeypatch):
    shutil.copy(ROOT / "examples" / "schemas" / "users.json", tmp_path / "users.json")
    monkeypatch.chdir(tmp_path)
    commands = [line[2:] for line in DOC.split("```console", 1)[1].split("```", 1)[0].splitlines()
                if line.startswith("$ agentic-synth ")]
    assert len(commands) == 2
    for command in commands:
        assert run_cli(*shlex.split(command)[1:])[0] == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
