"""Ctrl-C in the middle of an llm run (a real process, a slow fake server): whole valid records, promptly."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.ai_stack_helpers import SCHEMA, Writer, valid_rows, write_config
from tests.servers.openai_fake import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_sigint_mid_run_leaves_a_file_of_whole_valid_records_and_does_not_wait_for_the_server(tmp_path: Path,
                                                                                             fmt: str) -> None:
    writer, answered, lock, third_call_held = Writer(), itertools.count(), threading.Lock(), threading.Event()

    def slow_after_two(request):  # two quick answers, then a server that hangs for 30 s
        with lock:
            n = next(answered)
        if n == 2:
            third_call_held.set()  # the run has written the two answered batches and now waits on this call
        return server.completion_reply(request, writer(request), delay=0 if n < 2 else 30)

    with FakeOpenAIServer(default_handler=slow_after_two) as server:
        config = write_config(tmp_path / "config.json", {"providers": {"local": {
            "baseUrl": server.url + "/v1", "models": ["m"], "maxConcurrency": 1}}})
        out = tmp_path / f"o.{fmt}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "agentic_synth", "--config", config, "generate", "structured", "-s",
             write_config(tmp_path / "schema.json", SCHEMA), "-n", "40", "--model", "m", "--batch-size", "4",
             "-o", str(out)], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        try:  # one call at a time: the third is sent only after the second batch's records were written
            assert third_call_held.wait(timeout=120), "the run never made its third call"
        except BaseException:
            process.kill()
            raise
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        try:
            _, err = process.communicate(timeout=15)
        finally:
            process.kill()
        waited = time.monotonic() - interrupted
    assert process.returncode == 130 and waited < 10  # not the server's 30 s
    assert err.splitlines()[-1] == "error: interrupted; 8 records written"
    rows = valid_rows(out)
    assert sorted(r["id"] for r in rows) == list(range(1, 9))  # the two answered batches, whichever they were
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"] == []
