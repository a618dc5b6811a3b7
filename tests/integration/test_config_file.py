"""Loading `.agentic-synth.json` from disk: discovery, `.env`, `${VAR}` substitution, precedence, sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentic_synth.adapters.config_file import load_config
from agentic_synth.domain.errors import ConfigError


def _write(directory: Path, payload: Any, name: str = ".agentic-synth.json") -> Path:
    path = directory / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


def test_without_a_file_the_built_in_defaults_apply(tmp_path: Path) -> None:
    loaded = load_config(cwd=tmp_path, environ={})
    assert loaded.path is None
    assert loaded.settings.cache.max_size == 1000
    assert loaded.source_of("cache.maxSize") == "default"


def test_the_file_in_the_working_directory_is_found(tmp_path: Path) -> None:
    _write(tmp_path, {"cache": {"maxSize": 7}})
    loaded = load_config(cwd=tmp_path, environ={})
    assert loaded.path == tmp_path / ".agentic-synth.json"
    assert loaded.settings.cache.max_size == 7
    assert loaded.source_of("cache.maxSize") == ".agentic-synth.json"


def test_an_explicit_path_wins_over_the_working_directory_and_must_exist(tmp_path: Path) -> None:
    _write(tmp_path, {"cache": {"maxSize": 7}})
    other = _write(tmp_path, {"cache": {"maxSize": 9}}, "other.json")
    assert load_config(str(other), cwd=tmp_path, environ={}).settings.cache.max_size == 9
    assert load_config("other.json", cwd=tmp_path, environ={}).settings.cache.max_size == 9
    with pytest.raises(ConfigError, match=r"config file 'missing\.json' not found"):
        load_config("missing.json", cwd=tmp_path, environ={})


def test_bad_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    _write(tmp_path, '{\n  "cache": {\n    "maxSize": 5,\n  }\n}')
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path, environ={})
    assert str(caught.value) == (".agentic-synth.json: invalid JSON at line 4, column 3: "
                                 "Expecting property name enclosed in double quotes")


def test_variables_are_substituted_in_every_string_with_defaults(tmp_path: Path) -> None:
    _write(tmp_path, {"cache": {"persistPath": "${HOME_DIR}/cache"},
                      "models": {"routing": {"fallbackChain": ["${FIRST:-gemini-2.0-flash}", "$${literal}"]}},
                      "providers": {"lab": {"type": "openai-compatible", "baseUrl": "http://${HOST:-localhost}:8000/v1"}}})
    settings = load_config(cwd=tmp_path, environ={"HOME_DIR": "/data"}).settings
    assert settings.cache.persist_path == "/data/cache"
    assert settings.models.routing.fallback_chain == ("gemini-2.0-flash", "${literal}")
    assert settings.providers["lab"].base_url == "http://localhost:8000/v1"


def test_an_unset_variable_outside_api_keys_is_an_error_naming_it_and_the_path(tmp_path: Path) -> None:
    _write(tmp_path, {"cache": {"persistPath": "${CACHE_HOME}/x"}})
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=tmp_path, environ={})
    assert str(caught.value).startswith(
        ".agentic-synth.json: cache.persistPath: environment variable 'CACHE_HOME' is not set")


def test_an_unset_variable_under_api_keys_just_means_the_key_is_not_set(tmp_path: Path) -> None:
    _write(tmp_path, {"apiKeys": {"gemini": "${GEMINI_API_KEY}", "openRouter": "${OPENROUTER_API_KEY}"},
                      "providers": {"lab": {"type": "openai-compatible", "baseUrl": "http://h/v1",
                                            "apiKey": "${LAB_KEY}"}}})
    settings = load_config(cwd=tmp_path, environ={}).settings
    assert not settings.api_keys.gemini and not settings.api_keys.open_router
    assert not settings.key_for("lab")
    assert settings.providers_with_keys() == []


def test_a_dot_env_file_is_read_and_the_real_environment_wins(tmp_path: Path) -> None:
    _write(tmp_path, {"apiKeys": {"gemini": "${GEMINI_API_KEY}"}, "cache": {"persistPath": "${CACHE_DIR}"}})
    (tmp_path / ".env").write_text("GEMINI_API_KEY=from-dotenv-0123456789\nCACHE_DIR=/from/dotenv\n")
    loaded = load_config(cwd=tmp_path, environ={"CACHE_DIR": "/from/env"})
    assert loaded.settings.api_keys.gemini.reveal() == "from-dotenv-0123456789"
    assert loaded.settings.cache.persist_path == "/from/env"
    assert loaded.env_file == tmp_path / ".env"


def test_the_environment_wins_over_the_file_and_flags_win_over_both(tmp_path: Path) -> None:
    _write(tmp_path, {"apiKeys": {"gemini": "file-key-0123456789"}, "cache": {"enabled": True},
                      "models": {"routing": {"strategy": "quality"}}})
    environ = {"GEMINI_API_KEY": "env-key-0123456789", "AGENTIC_SYNTH_CACHE_ENABLED": "false",
               "AGENTIC_SYNTH_ROUTING_STRATEGY": "performance"}
    loaded = load_config(cwd=tmp_path, environ=environ,
                         flags={"models.routing.strategy": ("hybrid", "--strategy")})
    assert loaded.settings.api_keys.gemini.reveal() == "env-key-0123456789"
    assert loaded.settings.cache.enabled is False
    assert loaded.settings.models.routing.strategy == "hybrid"
    assert loaded.source_of("apiKeys.gemini") == "env GEMINI_API_KEY"
    assert loaded.source_of("providers.gemini.apiKey") == "env GEMINI_API_KEY"
    assert loaded.source_of("cache.enabled") == "env AGENTIC_SYNTH_CACHE_ENABLED"
    assert loaded.source_of("models.routing.strategy") == "flag --strategy"
    assert loaded.source_of("cache.maxSize") == "default"


def test_a_bad_value_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^environment variable AGENTIC_SYNTH_CACHE_ENABLED: expected true or false"):
        load_config(cwd=tmp_path, environ={"AGENTIC_SYNTH_CACHE_ENABLED": "maybe"})
    with pytest.raises(ConfigError, match=r"^environment variable AGENTIC_SYNTH_ROUTING_STRATEGY: models\.routing"):
        load_config(cwd=tmp_path, environ={"AGENTIC_SYNTH_ROUTING_STRATEGY": "cheapest"})


def test_sources_say_which_variable_a_substituted_value_came_from(tmp_path: Path) -> None:
    _write(tmp_path, {"apiKeys": {"gemini": "${GEMINI_API_KEY}"},
                      "providers": {"lab": {"type": "openai-compatible", "baseUrl": "http://h/v1",
                                            "apiKey": "${LAB_KEY}"}}})
    (tmp_path / ".env").write_text("LAB_KEY=lab-key-0123456789\nOPENROUTER_API_KEY=or-key-0123456789\n")
    loaded = load_config(cwd=tmp_path, environ={})
    assert loaded.source_of("providers.lab.apiKey") == ".agentic-synth.json (${LAB_KEY} from .env)"
    assert loaded.source_of("apiKeys.gemini") == ".agentic-synth.json (${GEMINI_API_KEY})"
    assert loaded.source_of("apiKeys.openRouter") == "env OPENROUTER_API_KEY (.env)"


def test_a_dict_from_code_is_explicit_and_wins_over_the_environment(tmp_path: Path) -> None:
    _write(tmp_path, {"cache": {"maxSize": 7}})  # ignored: a dict replaces discovery
    loaded = load_config(payload={"apiKeys": {"gemini": "code-key-0123456789"}}, cwd=tmp_path,
                         environ={"GEMINI_API_KEY": "env-key-0123456789", "OPENROUTER_API_KEY": "or-0123456789xx"})
    assert loaded.settings.api_keys.gemini.reveal() == "code-key-0123456789"
    assert loaded.settings.api_keys.open_router.reveal() == "or-0123456789xx"
    assert loaded.settings.cache.max_size == 1000
    assert loaded.source_of("apiKeys.gemini") == "AgenticSynth(config=...)"


def test_a_config_file_that_is_not_utf8_text_is_a_config_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b"\xff\xfe\x00{}")
    with pytest.raises(ConfigError, match=r"^settings.json: not UTF-8 text \(byte 0\)"):
        load_config("settings.json", cwd=tmp_path, environ={})


def test_a_dotenv_file_that_is_not_utf8_text_is_a_config_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"GEMINI_API_KEY=\xff\xfe\n")
    with pytest.raises(ConfigError, match=r"^\.env: not UTF-8 text"):
        load_config(cwd=tmp_path, environ={})
