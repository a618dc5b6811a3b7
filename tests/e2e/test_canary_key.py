"""No key ever leaks: the whole CLI surface runs with a canary key in env, config and .env, and nothing shows it."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from agentic_synth.entrypoints.container import build_container
from agentic_synth.entrypoints.sdk import AgenticSynth
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer

SCHEMA = {"id": {"type": "integer", "unique": True, "min": 1, "max": 100000}, "name": "name", "email": "email"}


@pytest.fixture
def canary() -> str:
    return "canary-" + secrets.token_hex(16)


def _leaks(text: str, canary: str) -> bool:
    """The key, or all of it but the 4-character tail that `set (…abcd)` shows."""
    return canary in text or canary[:-4] in text


def test_the_canary_key_never_appears_in_anything_the_cli_writes(run_cli, tmp_path: Path, canary: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    work = tmp_path / "out"
    work.mkdir()
    cache_dir = tmp_path / "cache"
    inputs = {tmp_path / ".env", tmp_path / ".agentic-synth.json"}
    monkeypatch.setenv("GEMINI_API_KEY", canary)  # environment
    (tmp_path / ".env").write_text(f"VLLM_KEY={canary}\nOPENROUTER_API_KEY={canary}\n")  # .env
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    transcript: list[str] = []

    def run(*args: str, expect: int | None = 0) -> None:
        code, out, err = run_cli("-vv", *args)
        transcript.extend([f"$ {' '.join(args)} -> {code}", out.decode(errors="replace"), err])
        if expect is not None:
            assert code == expect, (args, err)

    with FakeGeminiServer(api_key=canary) as gem, FakeOpenAIServer(api_key=canary) as oai:
        config = {
            "apiKeys": {"gemini": "${GEMINI_API_KEY}", "openRouter": canary},  # a literal key in the file too
            "cache": {"persistPath": str(cache_dir)},
            "providers": {
                "gemini": {"baseUrl": gem.url},
                "openrouter": {"baseUrl": f"{oai.url}/v1"},
                "my-vllm": {"type": "openai-compatible", "baseUrl": f"{oai.url}/v1", "apiKey": "${VLLM_KEY}"},
                "refuser": {"type": "openai-compatible", "baseUrl": f"{oai.url}/v1", "apiKey": "wrong-key-1234"},
            },
        }
        (tmp_path / ".agentic-synth.json").write_text(json.dumps(config))
        run("--version")
        run("--help")
        run("config", "show")
        run("config", "show", "--sources")
        run("config", "show", "--json")
        run("config", "show", "--json", "--sources")
        run("doctor")
        run("doctor", "--online", expect=1)  # 'refuser' is refused
        run("generators", "list")
        run("validate", "-s", str(schema))
        for fmt in ("json", "jsonl", "csv", "parquet"):
            run("generate", "structured", "-s", str(schema), "-n", "50", "--seed", "3", "-o", str(work / f"u.{fmt}"),
                "--report", str(work / f"report-{fmt}.json"))
        run("generate", "structured", "-s", str(schema), "-n", "5", "--report", str(work / "report-stdout.json"))
        # error paths
        run("generate", "structured", "-s", '{"x": {"type": "nope"}}', expect=2)
        run("generate", "nosuchkind", "-s", str(schema), expect=2)
        run("generate", "structured", "-s", str(schema), "-o", str(work / "missing" / "x.csv"), expect=2)
        run("init", expect=2)
        run("--config", "nope.json", "config", "show", expect=2)
        run("no-such-command", expect=2)
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({**config, "cache": {"maxSize": canary}}))  # a key pasted in the wrong place
        run("--config", str(bad), "config", "show", expect=2)
        run("--config", str(bad), "doctor", expect=1)
        (tmp_path / "new").mkdir()
        run("--config", "new/.agentic-synth.json", "init")
        assert gem.requests and oai.requests  # the key went where it belongs: to the providers, in headers

    result = AgenticSynth(config={"apiKeys": {"gemini": canary}}, container=build_container(load_plugins=False)
                          ).generate("structured", schema=SCHEMA, count=3, seed=1)
    transcript += [json.dumps(result.metadata.to_dict()), repr(result), repr(result.metadata)]

    assert "doctor --online -> 1" in "\n".join(transcript)
    for chunk in transcript:
        assert not _leaks(chunk, canary), chunk
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p not in inputs and p != bad]
    assert len(written) >= 10  # four outputs, five reports, a starter config
    for path in written:
        assert not _leaks(path.read_bytes().decode("latin-1"), canary), path


@pytest.mark.parametrize("kind", ["structured", "timeseries"])
def test_a_key_pasted_as_the_output_name_is_masked_in_the_closing_line(run_cli, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       kind: str) -> None:
    """Slow-profile finding: `generate timeseries -o sk-...` printed `wrote 3,600 time-series records to sk-...`."""
    monkeypatch.chdir(tmp_path)
    pasted = "sk-fuzz-canary-" + secrets.token_hex(16)
    code, _, err = run_cli("generate", kind, "-s", json.dumps({"n": "integer"}), "-n", "3", "-o", pasted)
    assert code == 0 and (tmp_path / pasted).is_file()  # the file is the user's to name
    assert pasted not in err and pasted[:-4] not in err and " to *** (jsonl)" in err, err
