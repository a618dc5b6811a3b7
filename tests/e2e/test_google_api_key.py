"""GOOGLE_API_KEY is a documented source of the Gemini key: Settings report it, calls send it, the redactor knows it."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from agentic_synth.entrypoints.container import build_container
from tests.e2e.ai_stack_helpers import SCHEMA, gemini_writer, valid_rows
from tests.servers.gemini_fake import FakeGeminiServer


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A key in GOOGLE_API_KEY alone (the conftest removes the developer's own key variables)."""
    monkeypatch.chdir(tmp_path)
    value = "google-" + secrets.token_hex(16)
    monkeypatch.setenv("GOOGLE_API_KEY", value)
    return value


def test_config_show_and_doctor_report_the_gemini_key_from_google_api_key(run_cli, key: str) -> None:
    code, out, err = run_cli("config", "show", "--sources", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["config"]["apiKeys"]["gemini"] == f"set (…{key[-4:]})"
    assert shown["sources"]["apiKeys.gemini"] == "env GOOGLE_API_KEY"
    assert shown["sources"]["providers.gemini.apiKey"] == "env GOOGLE_API_KEY"
    code, out, _ = run_cli("doctor")
    assert f"set (…{key[-4:]}) (env GOOGLE_API_KEY)" in out.decode() and key not in out.decode()


def test_gemini_api_key_wins_when_both_are_set(run_cli, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-" + "x" * 20)
    code, out, _ = run_cli("config", "show", "--sources", "--json")
    assert code == 0 and json.loads(out)["sources"]["apiKeys.gemini"] == "env GEMINI_API_KEY"


def test_a_gemini_run_sends_the_google_api_key_and_no_output_or_message_shows_it(
        run_cli, key: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    with FakeGeminiServer(api_key=key, responder=gemini_writer()) as server:
        (tmp_path / ".agentic-synth.json").write_text(json.dumps({"providers": {"gemini": {"baseUrl": server.url}}}))
        code, _, err = run_cli("-vv", "generate", "structured", "-s", str(schema), "-n", "8", "--model",
                               "gemini-2.0-flash", "-o", str(tmp_path / "out.jsonl"))
        assert code == 0, err
        assert server.requests  # accepted: the fake server checks the key it is sent
    assert len(valid_rows(tmp_path / "out.jsonl")) == 8 and key not in err
    code, _, err = run_cli("generate", "structured", "-s", str(schema), "--locale", key)  # a key pasted by mistake
    assert code == 2 and err.startswith("error: locale '***' is not one of") and key not in err


def test_a_container_without_the_environment_has_no_gemini_key(key: str) -> None:
    """The key comes from the configuration's loading (Settings), not from a second look at the environment."""
    container = build_container(load_plugins=False)
    assert not container.settings().key_for("gemini").is_set
    assert "gemini" not in container.provider_models().models
