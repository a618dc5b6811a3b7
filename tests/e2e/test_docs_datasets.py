"""docs/datasets.md: the page shows the example file, and its commands and Python examples run as written."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.dataset_helpers import read_sqlite
from tests.postgres_server import server_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "datasets" / "shop.yaml"
DOC = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
TABLES = ("customers", "products", "orders", "order_lines", "tags", "order_tags")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def test_the_page_shows_the_example_dataset_file() -> None:
    assert _blocks("yaml")[0] == EXAMPLE.read_text(encoding="utf-8")


def test_the_commands_of_the_page_run_from_the_repository_root(run_cli: Callable[..., tuple[int, bytes, str]],
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    commands = [shlex.split(line) for line in _blocks("bash")[0].splitlines() if line.startswith("agentic-synth")]
    assert len(commands) == 5
    summary = _blocks("text")[0].strip()
    for argv in commands:
        args = [_where(a, tmp_path) for a in argv[1:]]
        if any(a.startswith("postgresql://") for a in args):
            url = server_url()  # skips (or, where CI requires it, fails) without the test server
            args = [url if a.startswith("postgresql://") else a for a in args]
        code, _, stderr = run_cli(*args)
        assert code == 0, (argv, stderr)
        if args[-1] == str(tmp_path / "shop"):
            assert re.sub(r"in [0-9.]+s", "", stderr.strip()) == re.sub(
                r"in [0-9.]+s", "", summary.replace("shop/", str(tmp_path / "shop")))
    assert sorted(p.name for p in (tmp_path / "shop-csv").iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    data = read_sqlite(str(tmp_path / "shop.db"), TABLES)
    assert len(data["customers"]) == 1000 and len(data["orders"]) == 3004


def _where(arg: str, tmp_path: Path) -> str:
    """Outputs of the page go to a temporary folder; the example file is read where it is."""
    if arg.startswith("sqlite:///"):
        return f"sqlite:///{tmp_path / arg.removeprefix('sqlite:///')}"
    if arg.endswith("/") and not arg.startswith("examples"):
        return str(tmp_path / arg.rstrip("/"))
    return arg


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
