"""Start-up imports only what the run needs: an offline generate loads no provider SDK, no HTTP client, no pyarrow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("openai", "google", "httpx", "pyarrow", "redis", "nats", "mcp")  # the integrations load when named
NOT_NEEDED_OFFLINE = ("yaml", "pydantic", "rich", "requests")  # batch files; the SDKs' models; a terminal's bar
SCHEMA = '{"id": "uuid", "name": "name", "age": {"type": "integer", "min": 18, "max": 90}}'

PROBE = """
import json, sys
from agentic_synth.entrypoints.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(sys.modules)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _imported(loaded: set[str], *packages: str) -> list[str]:
    """Which of these packages were imported. google-generativeai's `-nspkg.pth` creates the bare `google`
    namespace in every interpreter at start-up, so for google only its modules count (`google.ai`, ...)."""
    return sorted(p for p in packages
                  if any(name.startswith(f"{p}.") or (name == p and p != "google") for name in loaded))


def _loaded_by(tmp_path: Path, *argv: str) -> tuple[set[str], str]:
    """The modules imported by one CLI run in a fresh interpreter (no config, no keys)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AGENTIC_SYNTH_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return set(report["loaded"]), done.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_an_offline_generate_imports_no_provider_sdk_http_client_or_pyarrow(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"people.{fmt}"
    loaded, _ = _loaded_by(tmp_path, "-q", "generate", "structured", "-n", "3", "--seed", "1", "-s", SCHEMA,
                           "-o", str(out))
    assert out.is_file() and out.stat().st_size > 0
    assert _imported(loaded, *HEAVY, *NOT_NEEDED_OFFLINE) == []


def test_a_generate_to_stdout_imports_none_of_them_either(tmp_path: Path) -> None:
    loaded, stdout = _loaded_by(tmp_path, "generate", "structured", "-n", "2", "--seed", "1", "-s", SCHEMA)
    assert [set(json.loads(line)) for line in stdout.splitlines()] == [{"id", "name", "age"}] * 2
    assert _imported(loaded, *HEAVY) == []


def test_parquet_output_imports_pyarrow_when_it_is_asked_for(tmp_path: Path) -> None:
    loaded, _ = _loaded_by(tmp_path, "-q", "generate", "structured", "-n", "3", "-s", SCHEMA,
                           "-o", str(tmp_path / "people.parquet"))
    assert _imported(loaded, *HEAVY) == ["pyarrow"]


def test_the_version_imports_neither_numpy_nor_the_engine(tmp_path: Path) -> None:
    loaded, stdout = _loaded_by(tmp_path, "--version")
    assert stdout.startswith("agentic-synth, version ")
    assert _imported(loaded, *HEAVY, "numpy", "rich", "yaml", "pydantic", "cattrs", "dotenv", "loguru",
                     "dependency_injector") == []


def test_the_console_script_installs_its_signal_handlers_before_importing_anything_of_weight(tmp_path: Path) -> None:
    probe = ("import sys; before = set(sys.modules); from agentic_synth.entrypoints.cli import launcher; "
             "print(' '.join(sorted(set(sys.modules) - before)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    ours = {name for name in done.stdout.split() if name.startswith("agentic_synth")}
    assert ours == {"agentic_synth", "agentic_synth.domain", "agentic_synth.domain.errors", "agentic_synth.entrypoints",
                    "agentic_synth.entrypoints.cli", "agentic_synth.entrypoints.cli.launcher",
                    "agentic_synth.domain.config", "agentic_synth.domain.config.display"}, done.stderr  # errors escape
    third_party = {name.split(".")[0] for name in done.stdout.split()} - {n.split(".")[0] for n in ours}
    assert third_party <= set(sys.stdlib_module_names), sorted(third_party - set(sys.stdlib_module_names))
