"""No key leaks from model runs: llm and hybrid runs with -vv against fake providers that demand a canary key."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.e2e.ai_stack_helpers import SCHEMA, Writer, gemini_writer, write_config
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer


def _leaks(text: str, canary: str) -> bool:
    return canary in text or canary[:-4] in text


def test_the_canary_key_never_appears_after_llm_and_hybrid_runs(run_cli, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    canary = "canary-" + secrets.token_hex(16)
    cache_dir, work = tmp_path / "cache", tmp_path / "out"
    work.mkdir()
    monkeypatch.setenv("AGENTIC_SYNTH_CACHE_DIR", str(cache_dir))
    schema = write_config(tmp_path / "schema.json", SCHEMA)
    transcript: list[str] = []
    with FakeOpenAIServer(api_key=canary, responder=Writer()) as oai, FakeGeminiServer(
            api_key=canary, models=["gemini-2.5-flash"], responder=gemini_writer()) as gem:
        config = write_config(tmp_path / "config.json", {
            "apiKeys": {"gemini": canary},
            "providers": {"gemini": {"baseUrl": gem.url},
                          "local": {"baseUrl": oai.url + "/v1", "models": ["m"], "apiKey": canary},
                          "refuser": {"type": "openai-compatible", "baseUrl": oai.url + "/v1", "models": ["r"],
                                      "apiKey": canary + "-wrong"}}})
        runs = [(0, "--model", "m", "--mode", "llm"), (0, "--model", "m", "--mode", "hybrid"),
                (0, "--model", "gemini-2.5-flash", "--mode", "llm"), (0, "--model", "gemini-2.5-flash", "--mode",
                                                                       "hybrid"),
                (0, "--model", "m", "--mode", "llm"),  # again: from the cache
                (3, "--model", "r", "--mode", "llm")]  # a refused key, with -vv details
        for n, (expect, *args) in enumerate(runs):
            for fmt in ("jsonl", "parquet") if n == 0 else ("csv",):
                code, out, err = run_cli("-vv", "--config", config, "generate", "structured", "-s", schema, "-n",
                                         "6", "--batch-size", "3", "--seed", "1", *args, "-o",
                                         str(work / f"{n}.{fmt}"), "--report", str(work / f"{n}-{fmt}.json"))
                transcript += [out.decode(errors="replace"), err]
                assert code == expect, err
        code, out, err = run_cli("-vv", "--config", config, "generate", "structured", "-s", schema, "-n", "3",
                                 "--model", "m")  # records on stdout
        transcript += [out.decode(), err]
        assert code == 0 and oai.completion_requests and gem.generate_requests
    assert any("API key rejected (401)" in chunk for chunk in transcript)
    for chunk in transcript:
        assert not _leaks(chunk, canary), chunk
    written = [p for p in [*work.rglob("*"), *cache_dir.rglob("*")] if p.is_file()]
    assert len([p for p in written if p.parent == work]) >= 12 and any(p.is_relative_to(cache_dir) for p in written)
    for path in written:
        assert not _leaks(path.read_bytes().decode("latin-1"), canary), path
    assert json.loads((work / "1-csv.json").read_text())["mode"] == "hybrid"
