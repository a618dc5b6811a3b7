"""`init`, `config show`, `doctor` and the global `--config`, end to end on temp directories."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer

KEY = "e2e-key-0123456789abcd"
SCHEMA = '{"name": "name"}'


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _config(payload: dict[str, Any], name: str = ".agentic-synth.json") -> Path:
    path = Path(name)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_init_writes_a_starter_config_that_works_with_no_keys(run_cli) -> None:
    code, out, err = run_cli("init")
    assert code == 0, err
    starter = json.loads(Path(".agentic-synth.json").read_text())
    assert starter["apiKeys"] == {"gemini": "${GEMINI_API_KEY}", "openRouter": "${OPENROUTER_API_KEY}"}
    assert b"add .env to .gitignore" in out
    code, out, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "3", "--seed", "1")
    assert code == 0, err
    assert len(out.splitlines()) == 3
    assert "no AI provider configured" in err
    assert run_cli("doctor")[0] == 0


def test_init_refuses_to_overwrite_without_force(run_cli) -> None:
    _config({"cache": {"maxSize": 3}})
    code, _, err = run_cli("init")
    assert code == 2
    assert err == "error: .agentic-synth.json already exists; use --force to overwrite it\n"
    assert json.loads(Path(".agentic-synth.json").read_text()) == {"cache": {"maxSize": 3}}
    assert run_cli("init", "--force")[0] == 0
    assert "apiKeys" in json.loads(Path(".agentic-synth.json").read_text())


def test_init_writes_to_the_config_path_and_gives_no_advice_when_env_is_ignored(run_cli) -> None:
    Path(".gitignore").write_text("build/\n.env\n")
    code, out, _ = run_cli("--config", "conf/synth.json", "init")
    assert code == 2  # the directory does not exist
    Path("conf").mkdir()
    code, out, _ = run_cli("--config", "conf/synth.json", "init")
    assert code == 0
    assert Path("conf/synth.json").is_file()
    assert b".gitignore" not in out


def test_config_show_masks_keys_and_tells_where_values_came_from(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _config({"apiKeys": {"gemini": "${GEMINI_API_KEY}"}, "cache": {"maxSize": 5}})
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    code, out, _ = run_cli("config", "show", "--sources")
    assert code == 0
    text = out.decode()
    assert KEY not in text
    lines = {line.split("=")[0].strip(): line for line in text.splitlines()[1:]}
    assert "= set (…abcd)" in lines["apiKeys.gemini"] and "# env GEMINI_API_KEY" in lines["apiKeys.gemini"]
    assert "= not set" in lines["apiKeys.openRouter"]
    assert lines["cache.maxSize"].split("#")[1].strip() == ".agentic-synth.json"
    assert lines["cache.ttl"].split("#")[1].strip() == "default"


def test_config_show_json_is_the_effective_configuration(run_cli) -> None:
    _config({"models": {"routing": {"strategy": "quality", "fallbackChain": ["a"]}}})
    code, out, _ = run_cli("config", "show", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["models"]["routing"] == {"strategy": "quality", "fallbackChain": ["a"], "weights": {},
                                         "circuitBreaker": {"threshold": 3, "cooldownSeconds": 30.0}}
    assert data["apiKeys"] == {"gemini": "not set", "openRouter": "not set"}
    code, out, _ = run_cli("config", "show", "--json", "--sources")
    both = json.loads(out)
    assert both["config"] == data
    assert both["sources"]["models.routing.strategy"] == ".agentic-synth.json"


def test_a_bad_config_stops_every_command_but_doctor_with_one_line_and_exit_2(run_cli) -> None:
    _config({"models": {"routing": {"strategy": "cheapest"}}})
    code, out, err = run_cli("generate", "structured", "-s", SCHEMA)
    assert (code, out) == (2, b"")
    assert err == ("error: .agentic-synth.json: models.routing.strategy: 'cheapest' is not one of "
                   "cost, performance, quality, hybrid\n")
    code, out, err = run_cli("doctor")
    assert code == 1
    assert "1 problem:" in out.decode() and "'cheapest' is not one of" in out.decode()


def test_a_missing_or_broken_config_path_is_a_usage_error(run_cli) -> None:
    code, _, err = run_cli("--config", "nope.json", "config", "show")
    assert (code, err) == (2, "error: config file 'nope.json' not found\n")
    Path("broken.json").write_text('{"cache": {"maxSize": 5,}}')
    code, _, err = run_cli("--config", "broken.json", "config", "show")
    assert code == 2
    assert err.startswith("error: broken.json: invalid JSON at line 1, column 25")


@pytest.mark.parametrize(("text", "says"), [
    ('{"cache": ' + "[" * 100_000 + "]" * 100_000 + "}", "error: .agentic-synth.json: JSON nested too deeply to read"),
    ('{"cache": {"maxSize": 1' + "0" * 5_000 + "}}",
     "error: .agentic-synth.json: unreadable JSON: Exceeds the limit (4300 digits) for integer string conversion"),
])
def test_a_config_file_too_deep_or_with_too_long_a_number_is_one_line(run_cli, text: str, says: str) -> None:
    Path(".agentic-synth.json").write_text(text)
    code, out, err = run_cli("config", "show")
    assert (code, out) == (2, b"")
    assert err.startswith(says) and err.count("\n") == 1, err


def test_the_engine_notice_says_whether_keys_are_set(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    code, _, err = run_cli("generate", "structured", "-s", SCHEMA, "-n", "1")
    assert code == 0
    assert "using the built-in engine (keys are set for: openrouter)" in err
    assert "no AI provider configured" not in err


def test_doctor_lists_each_problem_and_exits_1(run_cli, monkeypatch) -> None:
    monkeypatch.delenv("AGENTIC_SYNTH_CACHE_DIR")  # else the environment's cache directory wins over the file
    Path("blocker").write_text("a file where a directory should be")
    _config({"cache": {"persistPath": "blocker/cache"}, "integrations": {"midstreamer": {"enabled": True}}})
    code, out, err = run_cli("doctor")
    text = out.decode()
    assert code == 1 and err.splitlines()[-1] == ("error: doctor found 2 problems: integration midstreamer, "
                                                  "cache directory"), err
    assert "2 problems:" in text
    assert "- cache directory: blocker/cache is not writable" in text
    assert "- integration midstreamer: not installed (enabled)" in text


def test_doctor_online_checks_each_configured_provider(run_cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with FakeGeminiServer(api_key=KEY) as gem, FakeOpenAIServer() as local:
        _config({"apiKeys": {"gemini": KEY},
                 "providers": {"gemini": {"baseUrl": gem.url},
                               "my-vllm": {"type": "openai-compatible", "baseUrl": f"{local.url}/v1"}}})
        code, out, _ = run_cli("doctor", "--online")
        assert code == 0, out.decode()
        assert len(gem.requests) == len(local.requests) == 1
        _config({"providers": {"dead": {"type": "openai-compatible", "baseUrl": f"http://127.0.0.1:{closed}/v1"}}})
        code, out, _ = run_cli("doctor", "--online")
    text = out.decode()
    assert code == 1
    assert f"- provider dead: unreachable at http://127.0.0.1:{closed}/v1/models" in text
    assert "provider openrouter" in text and "skipped (no key)" in text
