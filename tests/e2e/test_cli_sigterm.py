"""SIGTERM ends a long run like Ctrl-C: exit 130, one line, no file and no temporary file left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


def test_sigterm_mid_run_leaves_neither_the_target_nor_a_part_file(tmp_path: Path) -> None:
    target = tmp_path / "big.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "agentic_synth", "-q", "generate", "structured", "--schema",
         '{"id": "uuid", "name": "name", "text": "paragraph"}', "-n", "50000000", "--seed", "1", "-o", str(target)],
        stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    deadline = time.monotonic() + 120  # a loaded machine may take long to start: wait for the file, not a time
    while not list(tmp_path.glob(".big.jsonl.*.part")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if not list(tmp_path.glob(".big.jsonl.*.part")):
        process.kill()
        raise AssertionError(f"the run never started writing: {process.communicate()[1]}")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "error: interrupted; no output written"
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
