"""Issue 17's reproducers for special files, symlinks, output names, secrets in config errors and terminal escapes.

No test here writes to the machine's own devices: a FIFO and a pseudo-terminal of the test's own stand in
for devices, and /dev/stdout is written through the test's captured stdout.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import UsageError

KEY = "sk-pasted-0123456789abcdefABCDEF0123456789"
SCHEMA = '{"id": "integer", "word": "word"}'


def _lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "5", "--seed", "1", "-o", str(fifo))
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert len(_lines(got[0])) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.jsonl"]  # no temporary file beside it


def test_a_character_device_is_written_through_never_replaced(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    leader, follower = os.openpty()  # a terminal of our own: /dev/pts/N is a character device
    try:
        device = os.ttyname(follower)
        before = os.stat(device)
        code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3", "--seed", "1", "-o", device,
                               "-f", "jsonl")
        assert code == 0, err
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
        assert os.read(leader, 65536).count(b'"id"') == 3
    finally:
        os.close(leader)
        os.close(follower)


def test_dev_stdout_is_the_process_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from agentic_synth.entrypoints.cli.main import main
    from agentic_synth.entrypoints.container import build_container

    code = main(["generate", "structured", "-s", SCHEMA, "-n", "4", "--seed", "1", "-o", "/dev/stdout"],
                container=build_container(load_plugins=False))
    out, err = capfd.readouterr()
    assert code == 0, err
    assert len(out.splitlines()) == 4 and "to /dev/stdout" in err


def test_stream_to_a_symlink_replaces_the_link_and_leaves_its_target_alone(tmp_path: Path,
                                                                            run_cli: Callable[..., Any]) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3", "--seed", "1", "-o", str(link),
                           "--stream")
    assert code == 0, err
    assert target.read_text() == "keep me\n"
    assert not link.is_symlink() and len(_lines(link.read_bytes())) == 3


def test_an_output_name_too_long_for_any_file_system_is_one_clear_error(tmp_path: Path,
                                                                        run_cli: Callable[..., Any]) -> None:
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3", "-o", str(tmp_path / ("a" * 300)))
    assert code == 2 and err.strip().splitlines()[-1].startswith("error: output: the name 'aaaa")
    assert list(tmp_path.iterdir()) == []


def test_an_output_name_with_a_nul_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="holds a NUL character"):
        AgenticSynth().generate("structured", schema={"id": "integer"}, count=3, output=str(tmp_path / "a\x00b.jsonl"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("config", [
    {"providers": {"my": {"baseUrl": KEY}}},
    {"providers": {KEY: {"baseUrl": "http://localhost:1"}}},
    {"providers": {"my": {"type": KEY, "baseUrl": "http://localhost:1"}}},
    {"models": {"catalog": {KEY: {"inputPerMTok": 1}}}},
    {KEY: 1},
])
def test_a_config_error_never_echoes_a_key_shaped_value(tmp_path: Path, run_cli: Callable[..., Any],
                                                        config: dict[str, Any]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    code, _, err = run_cli("--config", str(path), "config", "show")
    assert code == 2 and "sk-pasted" not in err and "***" in err
    assert len(err.strip().splitlines()) == 1


def test_an_env_override_with_a_pasted_key_is_not_echoed(run_cli: Callable[..., Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTIC_SYNTH_CACHE_ENABLED", KEY)
    code, _, err = run_cli("config", "show")
    assert code == 2 and KEY not in err and "AGENTIC_SYNTH_CACHE_ENABLED" in err


@pytest.mark.parametrize("command", [("config", "show"), ("config", "show", "--json"), ("cache", "path")])
def test_a_secret_put_elsewhere_by_a_variable_is_masked_in_config_show_and_cache_path(
        tmp_path: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]) -> None:
    secret = "AIzaSyD-abcdefghijklmnopqrstuvwxyz0123456"
    monkeypatch.setenv("GEMINI_API_KEY", secret)
    monkeypatch.setenv("MY_SERVICE_TOKEN", "plain-but-secret-42")
    monkeypatch.delenv("AGENTIC_SYNTH_CACHE_DIR")  # the file's persistPath, not the test's private directory
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"cache": {"persistPath": str(tmp_path) + "/${GEMINI_API_KEY}/${MY_SERVICE_TOKEN}"}}))
    code, out, err = run_cli("--config", str(path), *command)
    shown = out.decode() + err
    assert code == 0, err
    assert secret not in shown and "plain-but-secret-42" not in shown and "***" in shown


def test_escapes_in_a_config_value_reach_the_terminal_escaped(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"providers": {"my": {"baseUrl": "\x1b]0;pwned\x07http"}}}))
    code, _, err = run_cli("--config", str(path), "config", "show")
    assert code == 2 and "\x1b" not in err and "\\x1b]0;pwned\\x07http" in err
