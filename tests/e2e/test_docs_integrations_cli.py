"""Every shell example and the MCP client example of docs/integrations.md run as written, against real servers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import pytest

from tests.servers.base import FakeServer, Reply

DOC = (Path(__file__).resolve().parents[2] / "docs" / "integrations.md").read_text(encoding="utf-8")
BASH = re.findall(r"```bash\n(.*?)```", DOC, re.S)
MCP_CLIENT = next(b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "stdio_client" in b)
BIN = str(Path(sys.executable).parent)


def _run(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", **env})


def _hostport(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def test_the_guide_shows_each_kind_of_example():
    assert len(BASH) == 5
    assert {"redis://", "nats://", "--reference", "--vectorize-with ruvector:", "workflow run"} <= set(
        token for token in ("redis://", "nats://", "--reference", "--vectorize-with ruvector:", "workflow run")
        if any(token in block for block in BASH))


@pytest.mark.parametrize("index", range(len(BASH)), ids=[f"bash{i}" for i in range(len(BASH))])
def test_each_shell_example_runs(index, tmp_path, redis_url, nats_url):
    import redis

    script = BASH[index].replace("127.0.0.1:6379", _hostport(redis_url)).replace("127.0.0.1:4222",
                                                                               _hostport(nats_url))
    with FakeServer(default_handler=lambda req: Reply(status=204)) as ingest:
        script = script.replace("http://127.0.0.1:8080", ingest.url)
        done = _run(script, tmp_path, AGENTIC_SYNTH_CACHE_DIR=str(tmp_path / "cache"))
        received = [line for r in ingest.requests for line in r.body.splitlines()]
    assert done.returncode == 0, done.stderr
    if "redis://" in script:
        with redis.Redis.from_url(redis_url) as client:
            assert client.xlen("orders") >= 20000
        assert [orjson.loads(line) for line in received] == [
            json.loads(line) for line in (tmp_path / "live.jsonl").read_text().splitlines()]
        assert "streamed 2000 records to nats://" in done.stderr
    if "mkfifo" in script:
        assert (tmp_path / "received.jsonl").read_text().count("\n") == 500
    if "--reference" in script:
        assert "similarity to reference.csv (" in done.stderr
        shown = re.search(r"```text\n(series .*?)```", DOC, re.S)
        assert shown is not None and all(row in done.stdout for row in shown.group(1).splitlines()[1:])
    if "workflow run" in script:
        assert (tmp_path / "clickstream.jsonl").read_text().count("\n") == 500
        assert (tmp_path / "daily-users.csv").read_text().count("\n") == 1001


def test_the_mcp_client_example_runs(tmp_path):
    pytest.importorskip("mcp")
    (tmp_path / "example.py").write_text(MCP_CLIENT)
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    tools, written = done.stdout.splitlines()
    assert "generate" in tools and "run_workflow" in tools
    assert written == f"{(tmp_path / 'mcp-output' / 'people.jsonl').resolve()} 1000"
