"""`generate dataset` and `validate` of datasets from the command line; `--schema module:Class`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.dataset_helpers import check_shop, shop

Run = Callable[..., tuple[int, bytes, str]]


@pytest.fixture
def shop_file(tmp_path: Path) -> str:
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(shop(200)), encoding="utf-8")
    return str(path)


def _read_dir(directory: Path) -> dict[str, list[dict[str, Any]]]:
    return {p.stem: [json.loads(line) for line in p.read_text().splitlines()] for p in directory.glob("*.jsonl")}


def test_a_dataset_goes_to_a_directory_one_file_per_table_and_validates(run_cli: Run, shop_file: str,
                                                                        tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("generate", "dataset", "--schema", shop_file, "--output", str(out),
                                   "--report", str(tmp_path / "run.json"))
    assert code == 0, stderr
    assert stdout == b""
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.jsonl" for t in shop()["tables"])
    data = _read_dir(out)
    check_shop(data)
    report = json.loads((tmp_path / "run.json").read_text())
    assert report["tables"]["users"]["rows"] == 200 and report["seed"] == 11
    assert f"wrote {report['rows']:,} rows in 6 tables" in stderr and "seed 11" in stderr
    code, stdout, stderr = run_cli("validate", "--schema", shop_file, str(out))
    assert code == 0, stdout
    assert "keys, references, cardinalities, 'after' and sums hold" in stderr


def test_validate_finds_a_broken_reference_a_wrong_sum_and_an_early_date(run_cli: Run, shop_file: str,
                                                                         tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    assert run_cli("generate", "dataset", "-s", shop_file, "-o", f"sqlite:///{db}")[0] == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE order_items SET order_id = 777777 WHERE id = 3")
        conn.execute("UPDATE orders SET total = total + 5 WHERE id = 10")
        conn.execute("UPDATE orders SET created_at = '2001-01-01T00:00:00Z' WHERE id = 11")
    code, stdout, stderr = run_cli("validate", "-s", shop_file, f"sqlite:///{db}")
    text = stdout.decode()
    assert code == 1
    assert "order_items row 3: order_id = 777777 has no match in orders.id" in text
    assert "orders: total of 10 is" in text
    assert "orders row 11: created_at (2001-01-01T00:00:00Z) is not after users.signup" in text
    assert stderr.startswith("error: ") and "problems in the dataset" in stderr


def test_existing_files_are_kept_unless_replace_and_a_failed_run_writes_nothing(run_cli: Run, shop_file: str,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", "dataset", "-s", shop_file, "-o", str(out), "-f", "csv")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, stderr = run_cli("generate", "dataset", "-s", shop_file, "-o", str(out), "-f", "csv", "--seed", "3")
    assert code == 2 and "already exist" in stderr and "--if-exists replace" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert run_cli("generate", "dataset", "-s", shop_file, "-o", str(out), "-f", "csv", "--seed", "3",
                   "--if-exists", "replace")[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} != before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left behind
    assert run_cli("generate", "dataset", "-s", shop_file, "-o", str(out), "--if-exists", "replace")[0] == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".jsonl"] * 6  # replaced, not kept beside


@pytest.mark.parametrize(("args", "message"), [
    (("-o", "x"), "Missing option '-s' / '--schema'"),
    (("-s", "{shop}", "-o", "mysql://h/db"), "'mysql://' is not a known database"),
    (("-s", "{shop}", "-o", "sqlite:///{tmp}/a.db", "-f", "csv"), "--format applies to a directory"),
    (("-s", "{shop}", "-o", "{tmp}/dir", "--no-create"), "--no-create applies to databases"),
    (("-s", "{shop}", "-o", "{tmp}/dir", "--if-exists", "append"), "--if-exists append applies to databases"),
    (("-s", "{tmp}/missing.yaml", "-o", "{tmp}/dir"), "dataset file '.*missing.yaml' not found"),
    (("-s", "{bad}", "-o", "{tmp}/dir"), "bad.yaml: invalid YAML at line 3, column 1"),
    (("-s", "{shop}", "-o", "{tmp}/no/such/dir"), "does not exist"),
    (("-s", "{shop}", "-o", "{tmp}/dir", "--locale", "xx_XX"), "locale 'xx_XX' is not one of"),
])
def test_bad_input_is_one_error_line_with_exit_2_and_no_output(run_cli: Run, shop_file: str, tmp_path: Path,
                                                               args: tuple[str, ...], message: str) -> None:
    import re

    (tmp_path / "bad.yaml").write_text("tables:\n  users: [unclosed\n", encoding="utf-8")
    filled = [a.format(shop=shop_file, tmp=tmp_path, bad=tmp_path / "bad.yaml") for a in args]
    code, stdout, stderr = run_cli("generate", "dataset", *filled)
    assert code == 2 and stdout == b"", stderr
    assert stderr.count("\n") == 1 and stderr.startswith("error: ") and re.search(message, stderr), stderr
    assert not (tmp_path / "dir").exists() and not (tmp_path / "a.db").exists()


def test_generate_dataset_has_its_own_help(run_cli: Run) -> None:
    code, stdout, _ = run_cli("generate", "dataset", "--help")
    assert code == 0
    for option in ("--schema", "--output", "--if-exists", "--no-create"):
        assert option in stdout.decode()


def test_a_schema_can_name_a_model_class_in_a_module(run_cli: Run, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop_models.py").write_text(
        "import datetime\nfrom pydantic import BaseModel, Field\n\n"
        "class User(BaseModel):\n    id: int = Field(ge=1, le=99)\n    email: str\n    signup: datetime.date\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, stdout, stderr = run_cli("generate", "structured", "--schema", "shop_models:User", "-n", "5", "--seed", "1")
    assert code == 0, stderr
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert len(rows) == 5 and all(1 <= r["id"] <= 99 and "@" in r["email"] for r in rows)
    code, _, stderr = run_cli("generate", "structured", "--schema", "shop_models:Nobody", "-n", "1")
    assert code == 2 and "module 'shop_models' has no 'Nobody'" in stderr
