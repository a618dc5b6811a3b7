"""`doctor` and `integrations list` name every integration plugin found by entry point, and the built-ins."""

from __future__ import annotations

from dependency_injector import providers

from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.fakes_integrations import FakeStreamPipeline


def _run(capsys, *args: str) -> tuple[int, str]:
    container = build_container(load_plugins=False)
    container.integration_plugins.override(providers.Object({
        "kafka": FakeStreamPipeline, "pinecone-store": FakeStreamPipeline, "midstreamer": FakeStreamPipeline}))
    code = main(list(args), container=container)
    return code, capsys.readouterr().out


def test_doctor_lists_every_plugin_and_each_extra_with_its_status(capsys):
    code, out = _run(capsys, "doctor")
    assert code == 0, out
    assert "plugin kafka" in out and "plugin pinecone-store" in out
    assert "plugin midstreamer" not in out  # shown on its own line: integration midstreamer
    assert "integration midstreamer      plugin (agentic_synth.integrations:midstreamer)" in out
    for line in ("stream redis://", "stream nats://", "server mcp serve", "analyzer midstreamer"):
        assert line in out


def test_integrations_list_shows_the_built_in_targets_and_the_plugins(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no Node: the analyzer line says the numpy path answers
    code, out = _run(capsys, "integrations", "list")
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0 and {"http(s)://", "redis://", "nats://", "local", "ruvector", "kafka", "midstreamer"} <= set(rows)
    assert "numpy reference implementation (Node.js is not installed)" in out
    assert "registered in code" in rows["kafka"]  # a plugin given to the container, not an installed entry point


def test_installing_midstreamer_without_node_is_one_usage_error(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    code = main(["integrations", "install", "midstreamer", "--dir", str(tmp_path / "node")],
                container=build_container(load_plugins=False))
    err = capsys.readouterr().err
    assert code == 2 and "Node.js and npm are needed" in err and not (tmp_path / "node").exists()


def test_mcp_serve_without_the_mcp_package_is_one_usage_error_naming_the_extra(capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "mcp", None)  # as if the extra were not installed
    code = main(["mcp", "serve"], container=build_container(load_plugins=False))
    err = capsys.readouterr().err
    assert code == 2 and "pip install 'agentic-synth[mcp]'" in err and "Traceback" not in err
