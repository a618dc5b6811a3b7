"""Shared fixtures: a fresh container per test, and a CLI runner that captures output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agentic_synth.adapters.config_file import ENV_OVERRIDES
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import Container, build_container
from tests.services import service_url


@pytest.fixture(autouse=True)
def _no_keys_from_the_developer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own keys or settings from the environment."""
    for name in ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _private_cache_dir(_no_keys_from_the_developer: None, tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The default response-cache directory of every test is its own, never the user's."""
    monkeypatch.setenv("AGENTIC_SYNTH_CACHE_DIR", str(tmp_path_factory.mktemp("response-cache")))


@pytest.fixture
def container() -> Container:
    return build_container(load_plugins=False)


@pytest.fixture
def run_cli(capsysbinary: pytest.CaptureFixture[bytes], container: Container) -> Callable[..., Any]:
    """Run `agentic-synth ARGS` in-process; return (exit code, stdout bytes, stderr text)."""

    def run(*args: str) -> tuple[int, bytes, str]:
        code = main(list(args), container=container)
        out, err = capsysbinary.readouterr()
        return code, out, err.decode()

    return run


@pytest.fixture
def schema_file(tmp_path: Path) -> Callable[[dict[str, Any]], str]:
    def write(payload: dict[str, Any]) -> str:
        path = tmp_path / "schema.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return str(path)

    return write


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis on 127.0.0.1 (tests/services.py says where it comes from)."""
    with service_url("redis", tmp_path_factory.mktemp("services")) as url:
        yield url


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real NATS server with JetStream on 127.0.0.1."""
    with service_url("nats", tmp_path_factory.mktemp("services")) as url:
        yield url
