"""Real Redis and NATS servers for the integration tests, started by the project's own tools/services scripts.

A test asks for `redis_url` / `nats_url` (fixtures in tests/conftest.py). The URL comes from
AGENTIC_SYNTH_REDIS_URL / AGENTIC_SYNTH_NATS_URL when `.ci/run` (or a developer) started the server;
else, when the server's binary is installed, the script starts a private one for the test session;
else the test is skipped with the reason, unless AGENTIC_SYNTH_REQUIRE_REDIS / _NATS is set (as
`.ci/run` sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"redis": ("redis-server", "AGENTIC_SYNTH_REDIS_URL", "AGENTIC_SYNTH_REQUIRE_REDIS"),
            "nats": ("nats-server", "AGENTIC_SYNTH_NATS_URL", "AGENTIC_SYNTH_REQUIRE_NATS")}


@contextmanager
def service_url(name: str, state_dir: Path) -> Iterator[str]:
    """The URL of a running `name` server (see the module docstring); stops the one it started."""
    binary, url_var, require_var = SERVICES[name]
    if os.environ.get(url_var):
        yield os.environ[url_var]
        return
    if shutil.which(binary) is None:
        reason = (f"{binary} is not installed here (bash tools/services/{name}.sh start installs and starts it; "
                  f".ci/run does)")
        if os.environ.get(require_var):
            pytest.fail(f"{require_var} is set but {reason}")
        pytest.skip(reason)
    script = ROOT / "tools" / "services" / f"{name}.sh"
    env = {**os.environ, "AGENTIC_SYNTH_SERVICES": str(state_dir), "AGENTIC_SYNTH_NO_INSTALL": "1"}
    started = subprocess.run(["bash", str(script), "start"], env=env, capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        pytest.fail(f"tools/services/{name}.sh start failed: {started.stderr.strip()}")
    exports = dict(part.split("=", 1) for part in started.stdout.replace("export ", "").split())
    try:
        yield exports[url_var]
    finally:
        subprocess.run(["bash", str(script), "stop"], env=env, capture_output=True, timeout=60)
