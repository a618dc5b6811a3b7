"""CliWorker: runs `agentic-synth` commands in a long-lived child process, each with a time and memory limit.

Fuzzing needs thousands of runs: a fresh interpreter per run would spend most of the time starting up,
while running them in the test process would let one hostile input hang the test run or take all the
memory. The child (`python -m tests.fuzz.runner`) reads one JSON request per line: {argv, cwd,
stdin?}; runs `cli.main(argv)` in-process with stdout/stderr captured and a fresh container; and
answers {code, stdout, stderr, seconds, peak_rss}. Its address space is capped (`MEMORY_LIMIT`), so a
huge allocation is a MemoryError (an internal error, exit 70) rather than the machine swapping.
`CliWorker.run` kills and replaces a child that does not answer within the time limit (a hang).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import resource
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 * 2**30  # bytes of address space for the child
HANG = -1  # the code of a run that did not finish in time


@dataclass(frozen=True)
class Outcome:
    """How one command ended: exit code (HANG when killed), what it printed, how long and how much memory."""

    code: int
    stdout: bytes
    stderr: str
    seconds: float
    peak_rss_mb: float = 0.0

    @property
    def hung(self) -> bool:
        return self.code == HANG

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error: ")]


class CliWorker:
    """The parent's handle on one child; restarts it after a hang or a crash."""

    def __init__(self, *, timeout_s: float = 20.0, env: dict[str, str] | None = None) -> None:
        self.timeout_s = timeout_s
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.restarts = 0
        self._child: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self._child = subprocess.Popen([sys.executable, "-m", "tests.fuzz.runner"], cwd=ROOT, env=self.env,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self._child

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            assert child.stdin is not None
            with contextlib.suppress(OSError):
                child.stdin.close()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for stream in (child.stdin, child.stdout) if child is not None else ():
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def __enter__(self) -> CliWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, argv: list[str], cwd: str | os.PathLike[str], *, timeout_s: float | None = None) -> Outcome:
        child = self._start()
        assert child.stdin is not None and child.stdout is not None
        line = json.dumps({"argv": argv, "cwd": str(cwd)}, ensure_ascii=True) + "\n"
        started = time.monotonic()
        try:
            child.stdin.write(line.encode("ascii"))
            child.stdin.flush()
        except OSError:
            self._kill()
            return Outcome(HANG, b"", "worker died before the run", 0.0)
        limit = self.timeout_s if timeout_s is None else timeout_s
        ready, _, _ = select.select([child.stdout], [], [], limit)
        answer = child.stdout.readline() if ready else b""
        if not answer:
            self._kill()
            code = HANG if not ready else 137  # no answer in time, or the child died (killed for memory)
            return Outcome(code, b"", f"worker {'hung' if code == HANG else 'died'}", time.monotonic() - started)
        data = json.loads(answer)
        return Outcome(data["code"], base64.b64decode(data["stdout"]), data["stderr"], data["seconds"],
                       data["peak_rss_mb"])

    def _kill(self) -> None:
        child, self._child = self._child, None
        self.restarts += 1
        if child is not None:
            child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


# --- the child -------------------------------------------------------------------------------------

def _serve() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from agentic_synth.entrypoints.cli.main import main
    from agentic_synth.entrypoints.container import build_container

    out = sys.stdout.buffer
    for raw in sys.stdin.buffer:
        request: dict[str, Any] = json.loads(raw)
        os.chdir(request["cwd"])
        captured_out, captured_err = io.BytesIO(), io.StringIO()
        text_out = io.TextIOWrapper(captured_out, encoding="utf-8", errors="backslashreplace", write_through=True)
        started = time.monotonic()
        container = build_container(load_plugins=False)
        with contextlib.redirect_stdout(text_out), contextlib.redirect_stderr(captured_err):
            try:
                code = main(request["argv"], container=container)
            except BaseException as exc:  # the harness reports anything that escaped main()
                code = 99
                captured_err.write(f"escaped main(): {type(exc).__name__}: {exc}\n")
            finally:
                _close_providers(container)
        text_out.flush()
        answer = {"code": code, "stdout": base64.b64encode(captured_out.getvalue()).decode("ascii"),
                  "stderr": captured_err.getvalue(), "seconds": time.monotonic() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        out.write(json.dumps(answer, ensure_ascii=True).encode("ascii") + b"\n")
        out.flush()


def _close_providers(container: Any) -> None:
    """The HTTP clients a run opened (unclosed sockets would be reported against a later run)."""
    with contextlib.suppress(Exception):
        for model in container.provider_models().values():
            close = getattr(model, "close", None)
            if callable(close):
                close()


if __name__ == "__main__":
    _serve()
