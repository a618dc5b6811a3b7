"""`agentic-synth mcp serve` with the real MCP client over stdio: tools, files, estimates, workflows, budget, keys."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

CANARY = "AIzaCanary-never-in-a-message-7f3c9d"
WORKFLOWS = """\
seed: 5
jobs:
  - name: nightly-readings
    kind: timeseries
    schema: {temperature: {type: number, min: 10, max: 30}}
    count: 48
    options: {interval: 30m, series: 2, start: "2025-01-01T00:00:00Z"}
"""


def _session(tmp_path: Path, *extra: str) -> tuple[StdioServerParameters, Path]:
    (tmp_path / "workflows.yaml").write_text(WORKFLOWS)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(GEMINI_API_KEY=CANARY, OPENROUTER_API_KEY=CANARY + "-or", AGENTIC_SYNTH_CACHE_DIR=str(tmp_path / "c"))
    params = StdioServerParameters(command=sys.executable, cwd=str(tmp_path), env=env,
                                   args=["-m", "agentic_synth", "mcp", "serve", "--root", str(tmp_path),
                                         "--output-dir", str(tmp_path / "out"), "--workflows", "workflows.yaml",
                                         *extra])
    return params, tmp_path / "server.log"


def _converse(params: StdioServerParameters, log: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[Any, list]:
    async def talk() -> tuple[Any, list]:
        with log.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                return tools, [await session.call_tool(name, args) for name, args in calls]

    return asyncio.run(talk())


def test_an_mcp_client_lists_the_tools_generates_to_a_file_estimates_and_runs_a_workflow(tmp_path):
    params, log = _session(tmp_path)
    tools, results = _converse(params, log, [
        ("generate", {"kind": "structured", "schema": {"name": "name", "email": "email"}, "count": 1000,
                      "seed": 3, "output": "users.jsonl", "sample": 3}),
        ("estimate", {"kind": "structured", "schema": {"name": "name", "bio": "paragraph"}, "count": 5000,
                      "mode": "llm", "model": "gemini-2.5-flash"}),
        ("run_workflow", {"name": "nightly-readings", "set": {"count": 24}}),
        ("list_workflows", {}),
        ("generate", {"kind": "structured", "schema": {"name": "name"}, "output": "../escape.jsonl"}),
        ("generate", {"kind": "structured", "schema": {"name": "name"}, "count": -1}),
    ])
    by_name = {t.name: t for t in tools.tools}
    assert set(by_name) == {"generate", "estimate", "validate", "list_generators", "list_workflows",
                            "run_workflow", "vector_search"}
    schema = by_name["generate"].input_schema
    assert set(schema["required"]) == {"kind", "schema"} and schema["properties"]["count"]["anyOf"][0]["minimum"] == 0
    generated, estimated, workflow, listed, escaped, negative = results
    assert not generated.is_error
    summary = generated.structured_content
    lines = (tmp_path / "out" / "users.jsonl").read_text().splitlines()
    assert summary["output"] == str(tmp_path / "out" / "users.jsonl") and summary["records"] == 1000 == len(lines)
    assert summary["sample"] == [json.loads(line) for line in lines[:3]] and summary["seed"] == 3
    assert len(json.dumps(summary)) < 2000  # a summary, not the records
    estimate = estimated.structured_content
    assert estimate["mode"] == "llm" and estimate["calls"][0] >= 1 and estimate["costUsd"][1] > 0
    assert workflow.structured_content["records"] == 48  # 24 points x 2 series
    assert (tmp_path / "out" / "nightly-readings.jsonl").read_text().count("\n") == 48
    assert [w["name"] for w in listed.structured_content["result"]] == ["nightly-readings"]
    assert escaped.is_error and "is outside the output directory" in escaped.content[0].text
    assert not (tmp_path / "escape.jsonl").exists()
    assert negative.is_error and "count" in negative.content[0].text
    everything = json.dumps([tools.model_dump(mode="json"), *[r.model_dump(mode="json") for r in results]])
    assert CANARY not in everything and CANARY not in log.read_text()


def test_the_server_budget_caps_every_call_and_a_key_rejected_by_nobody_never_leaks(tmp_path):
    params, log = _session(tmp_path, "--budget", "0.000001")
    _, (capped,) = _converse(params, log, [
        ("generate", {"kind": "structured", "schema": {"name": "name"}, "count": 100, "budget": 50,
                      "options": {"model": "gemini-2.5-flash"}}),
    ])
    assert capped.is_error and "budget reached" in capped.content[0].text
    assert CANARY not in json.dumps(capped.model_dump(mode="json")) and CANARY not in log.read_text()


def test_the_http_transport_listens_on_loopback_and_serves_the_same_tools(tmp_path):
    import socket
    import subprocess
    import time

    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    params, _ = _session(tmp_path, "--transport", "http", "--port", str(port))
    with subprocess.Popen([params.command, *params.args], cwd=tmp_path, env=params.env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as server:
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)

            async def talk() -> tuple[list[str], Any]:
                async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write), \
                        ClientSession(read, write) as session:
                    await session.initialize()
                    tools = await session.list_tools()
                    listed = await session.call_tool("list_generators", {})
                    return sorted(t.name for t in tools.tools), listed

            names, listed = asyncio.run(talk())
        finally:
            server.terminate()
            _, err = server.communicate(timeout=30)
    assert "run_workflow" in names and len(names) == 7
    assert {"structured", "timeseries", "events"} <= {g["name"] for g in listed.structured_content["result"]}
    assert f"MCP server on http://127.0.0.1:{port}/mcp" in err and CANARY not in err
