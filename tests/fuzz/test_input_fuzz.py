"""Hostile configuration files, command lines and batch files: a result or one clear line, never a crash.

A configuration may hold a pasted key anywhere (`KEY`), `${VAR}` references to a secret-holding
variable (`FUZZ_SECRET`), escapes and lone surrogates; neither `config show`, `cache path` nor an
engine run may echo the key or the secret, print a raw control character, or fail other than with
exit 2. Random command lines and batch files must end within their time limit without an internal
error, a traceback or a stray temporary file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given

from tests.fuzz.profiles import FAST, SLOW, fuzz_settings
from tests.fuzz.promises import FIGURES, check_ending, leftovers
from tests.fuzz.runner import CliWorker
from tests.fuzz.strategies import KEY, SECRET, argv_lists, batch_files, configs, dumps

SECRETS = (KEY, SECRET)
COUNT_OPTIONS = ("-n", "--count", "--max-calls", "--series", "--batch-size", "--concurrency")


def _temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.rglob("*") if p.name.endswith((".part", ".tmp"))]


def check_config(worker: CliWorker, config: Any) -> None:
    suite = "configs"
    FIGURES.run(suite)
    with tempfile.TemporaryDirectory(prefix="fuzz-config-") as where:
        directory = Path(where)
        (directory / "config.json").write_text(dumps(config), encoding="utf-8")
        for argv in (["--config", "config.json", "config", "show", "--sources"],
                     ["--config", "config.json", "config", "show", "--json"],
                     ["--config", "config.json", "cache", "path"],
                     ["--config", "config.json", "generate", "structured", "-s", '{"id": "uuid"}', "-n", "2",
                      "--mode", "engine", "-o", "out.jsonl"]):  # engine: a provider of the config is never called
            outcome = worker.run(argv, directory)
            check_ending(suite, outcome, allowed=frozenset({2}), secrets=SECRETS, about=config)
        FIGURES.check(suite, "whole-files", _temporaries(directory) == [], _temporaries(directory))


def check_argv(worker: CliWorker, argv: list[str]) -> None:
    suite = "command lines"
    for option in COUNT_OPTIONS:  # a huge count is a long run, not a hang
        for at, word in enumerate(argv[:-1]):
            if word == option:
                value = argv[at + 1]
                assume(not (value.strip().lstrip("+").isdigit() and int(value) > 5000))
    FIGURES.run(suite)
    with tempfile.TemporaryDirectory(prefix="fuzz-argv-") as where:
        directory = Path(where)
        (directory / "schema.json").write_text(json.dumps({"id": "uuid", "n": "integer"}), encoding="utf-8")
        outcome = worker.run(argv, directory)
        check_ending(suite, outcome, allowed=frozenset({1, 2, 3}), secrets=(KEY,), about=argv, debug="-vv" in argv)
        FIGURES.check(suite, "whole-files", _temporaries(directory) == [], _temporaries(directory))


def check_batch(worker: CliWorker, batch: Any) -> None:
    suite = "batch files"
    FIGURES.run(suite)
    with tempfile.TemporaryDirectory(prefix="fuzz-batch-") as where:
        directory = Path(where)
        (directory / "batch.json").write_text(dumps(batch), encoding="utf-8")
        outcome = worker.run(["batch", "generate", "--config", "batch.json", "--output", "out", "--executor",
                              "thread"], directory)
        check_ending(suite, outcome, allowed=frozenset({1, 2}), secrets=(KEY,), about=batch)
        FIGURES.check(suite, "whole-files", _temporaries(directory) == [], _temporaries(directory))
        if outcome.code == 2:  # refused by the pre-check: nothing may have been written
            written = leftovers(directory / "out", set()) if (directory / "out").is_dir() else []
            FIGURES.check(suite, "whole-files", written == [], f"refused, yet wrote {written}")


@fuzz_settings(FAST, FAST.configs)
@given(config=configs())
def test_a_hostile_config_is_shown_masked_or_refused_in_one_line(worker: CliWorker, config: Any) -> None:
    check_config(worker, config)


@fuzz_settings(FAST, FAST.argv)
@given(argv=argv_lists())
def test_a_random_command_line_ends_cleanly(worker: CliWorker, argv: list[str]) -> None:
    check_argv(worker, argv)


@fuzz_settings(FAST, FAST.batch)
@given(batch=batch_files())
def test_a_hostile_batch_file_runs_or_is_refused_cleanly(worker: CliWorker, batch: Any) -> None:
    check_batch(worker, batch)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.configs)
@given(config=configs())
def test_slow_configs(worker: CliWorker, config: Any) -> None:
    check_config(worker, config)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.argv)
@given(argv=argv_lists())
def test_slow_command_lines(worker: CliWorker, argv: list[str]) -> None:
    check_argv(worker, argv)


@pytest.mark.fuzz_slow
@fuzz_settings(SLOW, SLOW.batch)
@given(batch=batch_files())
def test_slow_batch_files(worker: CliWorker, batch: Any) -> None:
    check_batch(worker, batch)
