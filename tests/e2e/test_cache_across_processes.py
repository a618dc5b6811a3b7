"""The same run twice, in separate processes, against a fake OpenAI server: the second costs nothing."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.servers.base import RecordedRequest
from tests.servers.openai_fake import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = {"name": {"type": "string"}, "age": {"type": "integer", "min": 18, "max": 90}}
SCHEMA_REORDERED = {"age": {"max": 90, "min": 18, "type": "integer"}, "name": {"type": "string"}}


def _responder() -> object:
    serial = itertools.count(1)

    def reply(request: RecordedRequest) -> str:
        size = int(request.json["messages"][1]["content"].split()[1])
        return json.dumps([{"age": 20 + n, "name": f"person-{n}"} for n in itertools.islice(serial, size)])

    return reply


def _run(server: FakeOpenAIServer, schema: dict[str, object], tmp_path: Path, name: str, count: int,
         *policy: str) -> tuple[dict[str, float], bytes]:
    schema_file = tmp_path / f"{name}.schema.json"
    schema_file.write_text(json.dumps(schema))
    output = tmp_path / f"{name}.jsonl"
    env = {**os.environ, "AGENTIC_SYNTH_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.e2e.cache_run", f"{server.url}/v1", str(schema_file),
                           str(output), str(count), *policy],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), output.read_bytes()


def test_a_second_run_in_a_new_process_makes_no_requests_and_writes_the_same_output(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=_responder()) as server:  # type: ignore[arg-type]
        first, first_out = _run(server, SCHEMA, tmp_path, "first", 5)
        calls = len(server.completion_requests)
        second, second_out = _run(server, SCHEMA, tmp_path, "second", 5)
        reordered, reordered_out = _run(server, SCHEMA_REORDERED, tmp_path, "reordered", 5)
        assert server.errors == []
        assert (calls, len(server.completion_requests)) == (3, 3)  # batches of 2, 2 and 1; then nothing
    assert first == {"hits": 0, "misses": 3, "usd_saved": 0.0}
    assert second["hits"] == 3 and second["misses"] == 0 and second["usd_saved"] > 0
    assert second_out == first_out and len(first_out.splitlines()) == 5
    assert list(json.loads(first_out.splitlines()[0])) == ["name", "age"]  # the user's column order
    assert reordered["hits"] == 3  # the same schema with its keys in another order is the same request
    assert [json.loads(line) for line in reordered_out.splitlines()] == [
        json.loads(line) for line in first_out.splitlines()]
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").iterdir())
    assert b"sk-e2e-secret-key" not in stored and b"person-1" in stored


def test_aggressive_reuses_the_batches_of_a_smaller_run_in_a_new_process(tmp_path: Path) -> None:
    with FakeOpenAIServer(responder=_responder()) as server:  # type: ignore[arg-type]
        _, small = _run(server, SCHEMA, tmp_path, "small", 4)
        bigger, big = _run(server, SCHEMA, tmp_path, "big", 6, "aggressive")
        assert len(server.completion_requests) == 3  # two batches, then only the third batch of the larger run
    assert bigger["hits"] == 2 and big.splitlines()[:4] == small.splitlines()
