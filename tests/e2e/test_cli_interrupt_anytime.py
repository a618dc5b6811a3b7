"""Ctrl-C at any moment after the command starts is one line on stderr and exit 130, never a traceback.

"Starts" is observable from outside: the first thing the console script does is install its SIGTERM
handler, which /proc/PID/status shows (SigCgt). From then on every moment is fair game: imports of the
CLI, configuration, the container, the run itself.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")

SCHEMA = '{"id": "uuid", "name": "name"}'


def _catches_sigterm(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def _interrupt(argv: list[str], cwd: Path, delay: float) -> tuple[int, str]:
    process = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=cwd)
    deadline = time.monotonic() + 30
    while not _catches_sigterm(process.pid) and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def _script() -> list[str]:
    script = shutil.which("agentic-synth", path=str(Path(sys.executable).parent))
    return [script] if script is not None else [sys.executable, "-m", "agentic_synth"]


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4, 0.8])
def test_ctrl_c_during_start_up_or_the_run_prints_one_line_and_exits_130(tmp_path: Path, delay: float) -> None:
    code, err = _interrupt([*_script(), "-q", "generate", "structured", "--schema", SCHEMA, "-n", "50000000",
                            "--seed", "1", "-o", "big.jsonl"], tmp_path, delay)
    lines = err.strip().splitlines()
    assert code == 130, err
    assert len(lines) == 1 and lines[0].startswith("error: interrupted"), err
    assert not (tmp_path / "big.jsonl").exists() and not list(tmp_path.glob(".big.jsonl.*.part"))


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1])
def test_python_dash_m_is_interrupted_the_same_way(tmp_path: Path, delay: float) -> None:
    code, err = _interrupt([sys.executable, "-m", "agentic_synth", "-q", "generate", "structured", "--schema", SCHEMA,
                            "-n", "50000000", "-o", "big.jsonl"], tmp_path, delay)
    assert code == 130 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
