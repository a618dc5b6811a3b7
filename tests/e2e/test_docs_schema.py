"""The runnable examples of docs/schema.md: its python blocks run (their asserts check the records), and its
console blocks print exactly what they quote, with the exit code `echo $?` shows."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
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


@pytest.mark.parametrize("block", CONSOLE, ids=[f"console{i}" for i in range(len(CONSOLE))])
def test_each_console_example_prints_what_it_quotes(
        block: str, run_cli: Callable[..., tuple[int, bytes, str]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    last = 0
    for step in steps:
        command, *expected = step.rstrip("\n").split("\n")
        if command == "echo $?":
            assert expected == [str(last)]
            continue
        argv = shlex.split(command)
        if argv[0] != "agentic-synth":
            pytest.fail(f"not an agentic-synth command: {command}")
        last, out, err = run_cli(*argv[1:])
        assert (out.decode() + err).splitlines() == expected, command
