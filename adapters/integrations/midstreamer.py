"""MidstreamerTemporalAnalyzer: midstreamer's TemporalCompare (npm, WebAssembly) through a Node bridge process."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

import orjson

from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.integrations.temporal import TemporalMetrics, checked_series, similarity_score

PACKAGE = "midstreamer"
VERSION = "0.2.5"  # 0.3.x cannot be imported (ERR_PACKAGE_PATH_NOT_EXPORTED); docs/integrations.md
BRIDGE = Path(__file__).with_name("midstreamer_bridge.js")
START_TIMEOUT = 30.0


def node_dir() -> Path:
    """Where `agentic-synth integrations install midstreamer` puts the npm package (AGENTIC_SYNTH_NODE_DIR wins)."""
    explicit = os.environ.get("AGENTIC_SYNTH_NODE_DIR")
    if explicit:
        return Path(explicit)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "agentic-synth" / "node"


def installed_version(root: Path | None = None) -> str | None:
    """The midstreamer version installed under `root` (default node_dir()), or None."""
    manifest = (root or node_dir()) / "node_modules" / PACKAGE / "package.json"
    try:
        version = orjson.loads(manifest.read_bytes()).get("version")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def unavailable_reason(root: Path | None = None) -> str | None:
    """Why the bridge cannot run here (no Node, or midstreamer not installed), or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    found = installed_version(root)
    if found is None:
        return (f"midstreamer is not installed (agentic-synth integrations install midstreamer puts it in "
                f"{root or node_dir()})")
    if found != VERSION:
        return f"midstreamer {found} is installed, not {VERSION} (agentic-synth integrations install midstreamer)"
    return None


class MidstreamerTemporalAnalyzer:
    """One `node midstreamer_bridge.js` process; each comparison is one JSON line there and one back.

    The process starts on the first comparison (about 0.7 s: Node and the WebAssembly module) and
    serves the rest; `close` ends it. Inputs are checked here (finite, non-empty), so the bridge
    only ever sees what midstreamer can compare.
    """

    name = "midstreamer"

    def __init__(self, root: Path | None = None) -> None:
        reason = unavailable_reason(root)
        if reason is not None:
            raise UsageError(f"midstreamer: {reason}")
        self.root = root or node_dir()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.version: str | None = None

    def analyze(self, a: Any, b: Any) -> TemporalMetrics:
        x, y = checked_series(a, "series a"), checked_series(b, "series b")
        with self._lock:
            reply = self._ask(orjson.dumps({"a": x, "b": y}))
        if "error" in reply:
            raise IntegrationError(f"bridge: {reply['error']}", integration="midstreamer")
        longer = max(len(x), len(y))
        dtw = float(reply["dtw"])
        return TemporalMetrics(dtw_distance=dtw, lcs_length=int(reply["lcs"]), edit_distance=int(reply["edit"]),
                               similarity=float(reply.get("similarity", similarity_score(dtw, longer))),
                               length=longer)

    def analyze_many(self, pairs: Any) -> list[TemporalMetrics]:
        return [self.analyze(a, b) for a, b in pairs]

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            _end(process)

    def __enter__(self) -> MidstreamerTemporalAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the process ---------------------------------------------------------------------------

    def _ask(self, line: bytes) -> dict[str, Any]:
        process = self._process or self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(line + b"\n")
            process.stdin.flush()
            return _read(process.stdout)
        except (OSError, ValueError) as exc:  # the bridge died (a crash in Node, killed)
            self._process = None
            _end(process)
            raise IntegrationError(f"the Node bridge stopped: {exc}", integration="midstreamer") from exc

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "NODE_PATH": str(self.root / "node_modules")}
        process = subprocess.Popen(["node", str(BRIDGE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=env)
        assert process.stdout is not None
        try:
            hello = _read(process.stdout)
        except ValueError as exc:
            _end(process)
            raise IntegrationError(f"the Node bridge did not start: {exc}", integration="midstreamer") from exc
        if not hello.get("ready"):
            _end(process)
            raise IntegrationError(f"cannot load midstreamer in Node: {hello.get('error')}", integration="midstreamer")
        self.version = str(hello.get("version"))
        self._process = process
        return process


def _end(process: subprocess.Popen[bytes]) -> None:
    """Close the bridge's pipes (it exits when its stdin ends) and reap it; kill it if it does not go."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _read(stream: IO[bytes]) -> dict[str, Any]:
    line = stream.readline()
    if not line:
        raise ValueError("no reply (the process ended)")
    reply = orjson.loads(line)
    if not isinstance(reply, dict):
        raise ValueError(f"unexpected reply {line[:80]!r}")
    return reply
