"""-q, -v and --config work before or after the command; a command's own option of that name keeps it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SCHEMA = '{"id": {"type": "integer", "min": 1, "max": 9}}'


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("quiet", ["-q", "--quiet"])
def test_quiet_after_the_command_silences_the_notice_and_the_summary(run_cli, quiet: str) -> None:
    code, out, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3", "--seed", "1", quiet)
    assert code == 0 and err == "" and len(out.splitlines()) == 3
    assert run_cli(quiet, "generate", "structured", "-s", SCHEMA, "-n", "3", "--seed", "1") == (code, out, err)


@pytest.mark.parametrize("verbose", [["-v"], ["--verbose"], ["-vv"], ["-v", "-v"]])
def test_verbose_after_the_command_logs_the_run(run_cli, verbose: list[str]) -> None:
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "2", "--seed", "1", *verbose)
    assert code == 0 and "INFO: generating 2 structured records (seed 1" in err
    assert ("DEBUG: configuration:" in err) == (len(verbose) == 2 or verbose == ["-vv"])


@pytest.mark.parametrize("form", ["separate", "joined"])
def test_config_after_the_command_is_the_file_read(run_cli, tmp_path: Path, form: str) -> None:
    (tmp_path / "mine.json").write_text(json.dumps({"cache": {"maxSize": 7}}))
    args = ["--config", "mine.json"] if form == "separate" else ["--config=mine.json"]
    code, out, err = run_cli("config", "show", "--json", *args)
    assert code == 0, err
    assert json.loads(out)["cache"]["maxSize"] == 7
    code, _, err = run_cli("config", "show", "--config", "missing.json")
    assert code == 2 and err == "error: config file 'missing.json' not found\n"


def test_a_commands_own_config_option_stays_the_commands(run_cli, tmp_path: Path) -> None:
    (tmp_path / "jobs.json").write_text(json.dumps({"jobs": [{"name": "a", "kind": "structured", "count": 2,
                                                              "schema": json.loads(SCHEMA)}]}))
    (tmp_path / "settings.json").write_text(json.dumps({"cache": {"enabled": False}}))
    code, _, err = run_cli("batch", "generate", "--config", "jobs.json", "-o", "out", "-q", "--seed", "1")
    assert code == 0, err
    assert len((tmp_path / "out" / "a.jsonl").read_text().splitlines()) == 2
    code, _, err = run_cli("--config", "settings.json", "batch", "generate", "--config", "jobs.json", "-o", "out2")
    assert code == 0, err


def test_an_option_value_that_looks_like_a_global_option_stays_a_value(run_cli) -> None:
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "--locale", "-q")
    assert code == 2 and err == "error: locale '-q' is not one of en_US, de_DE, fr_FR, es_ES\n"


def test_an_unknown_option_is_still_a_usage_error_naming_it(run_cli) -> None:
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "--quite")
    assert code == 2 and err.startswith("error: No such option '--quite'")
