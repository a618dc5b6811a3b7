"""`generate --mode llm|hybrid` end to end: the CLI, the real SDKs and the fake provider servers."""

from __future__ import annotations

import itertools
import json
import re
import threading
from pathlib import Path

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.containers import swap_providers
from tests.fakes import FakeTextModel, records_reply
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.gemini_fake import prompt_text as gemini_prompt
from tests.servers.openai_fake import FakeOpenAIServer
from tests.servers.openai_fake import prompt_text as openai_prompt

SCHEMA = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}, "title": "sentence",
          "stars": {"type": "integer", "min": 1, "max": 5}}


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)


class Writer:
    """A model that writes as many valid records as the prompt asks for; `spoil` makes some invalid."""

    def __init__(self, text_of, spoil_every: int = 0):
        self.ids, self.lock, self.text_of, self.spoil_every = itertools.count(1), threading.Lock(), text_of, spoil_every

    def __call__(self, req) -> str:
        wanted = re.search(r"Generate (\d+) distinct", self.text_of(req))
        if wanted is None:  # a hybrid plan call
            return json.dumps({"values": ["Solid and quiet.", "Stopped after a week."]})
        with self.lock:
            rows = [{"id": next(self.ids), "title": "Good value.", "stars": 4} for _ in range(int(wanted.group(1)))]
        for i, row in enumerate(rows):
            if self.spoil_every and i % self.spoil_every == 0:
                row["stars"] = 11
        return records_reply(rows)


def _cli(container, capsys, *args):
    code = main(list(args), container=container)
    out, err = capsys.readouterr()
    return code, out, err


def _schema(tmp_path: Path) -> str:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return str(path)


def test_llm_mode_on_a_local_openai_compatible_server_writes_valid_records(tmp_path, capsys):
    with FakeOpenAIServer(responder=Writer(openai_prompt)) as server:
        container = build_container(load_plugins=False, providers={
            "local": {"baseUrl": server.url + "/v1", "models": ["llama3.1:8b"], "maxConcurrency": 2}})
        out = tmp_path / "reviews.jsonl"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "-n", "60",
                            "--model", "llama3.1:8b", "--batch-size", "25", "--prompt", "reviews of a kettle",
                            "-o", str(out), "--report", str(tmp_path / "report.json"))
        assert code == 0, err
        assert "agentic-synth: mode llm, model llama3.1:8b via local" in err
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 60 and len({r["id"] for r in rows}) == 60
        assert all(validate_record(r, Schema.from_payload(SCHEMA)) == [] for r in rows)
        sent = server.completion_requests
        assert len(sent) == 3 and {r.json["model"] for r in sent} == {"llama3.1:8b"}
        assert all(r.json["response_format"]["type"] == "json_schema" for r in sent)
        assert "reviews of a kettle" in openai_prompt(sent[0])
        report = json.loads((tmp_path / "report.json").read_text())
        usage = report["models"]["llama3.1:8b"]
        assert report["mode"] == "llm" and usage["calls"] == 3 and usage["records"] == 60 and usage["tokens_out"] > 0


def test_a_short_name_resolves_to_the_current_gemini_model_and_the_notice_says_so(tmp_path, capsys):
    with FakeGeminiServer(api_key="gk-123456", models=["gemini-2.5-pro"], responder=Writer(gemini_prompt)) as server:
        container = build_container(load_plugins=False, apiKeys={"gemini": "gk-123456"},
                                    providers={"gemini": {"baseUrl": server.url}})
        code, out, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "-n", "5",
                              "--model", "gemini-pro", "--seed", "1")
        assert code == 0, err
        assert "mode llm, model gemini-2.5-pro (for gemini-pro) via gemini" in err
        assert len(out.splitlines()) == 5
        sent = server.generate_requests[0]
        assert sent.path == "/v1beta/models/gemini-2.5-pro:generateContent"
        assert sent.headers["x-goog-api-key"] == "gk-123456"
        assert sent.json["generationConfig"]["responseMimeType"] == "application/json"
        assert "gk-123456" not in err


def test_a_run_stopped_by_its_call_limit_writes_the_valid_records_shows_its_spend_and_exits_5(tmp_path, capsys):
    with FakeOpenAIServer(responder=Writer(openai_prompt, spoil_every=2)) as server:
        container = build_container(load_plugins=False, providers={"local": {"baseUrl": server.url + "/v1",
                                                                             "models": ["m"]}})
        out, report = tmp_path / "out.json", tmp_path / "report.json"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "-n", "40",
                            "--model", "m", "--batch-size", "10", "--max-calls", "2", "-o", str(out),
                            "--report", str(report))
        rows = json.loads(out.read_text())
        assert len(server.completion_requests) == 2
    assert code == 5 and len(rows) == 10  # half of each reply is invalid
    lines = err.strip().splitlines()
    assert lines[-1] == ("error: stopped at the call limit (2 calls, --max-calls or llm.maxCalls): 10 of 40 records "
                         "written (10 invalid and 0 duplicate records dropped); raise the limit to finish")
    assert lines[-2].startswith(f"wrote 10 structured records to {out} (json) in ") and "; 2 calls, " in lines[-2]
    written = json.loads(report.read_text())
    assert (written["records"], written["calls"], written["stopped"]["exit_code"]) == (10, 2, 5)
    assert written["tokens_out"] > 0 and written["stopped"]["reason"].startswith("stopped at the call limit")


def test_a_rejected_openrouter_key_exits_3_with_one_line_and_no_output(tmp_path, capsys):
    with FakeOpenAIServer(api_key="sk-or-right") as server:
        container = build_container(load_plugins=False, apiKeys={"openRouter": "sk-or-wrong-777"},
                                    providers={"openrouter": {"baseUrl": server.url + "/api/v1"}})
        out = tmp_path / "x.csv"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "-n", "5",
                            "--model", "openai/gpt-4o-mini", "-o", str(out))
    assert code == 3 and err.strip().splitlines()[-1] == "error: openrouter: API key rejected (401)"
    assert not out.exists() and "sk-or-wrong-777" not in err


def test_a_model_without_a_key_is_a_usage_error_before_any_output(tmp_path, capsys):
    container = build_container(load_plugins=False)
    code, _, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "--model",
                        "gemini-2.0-flash", "-o", str(tmp_path / "o.jsonl"))
    assert code == 2 and "error: gemini: no API key; set GEMINI_API_KEY or apiKeys.gemini" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_hybrid_mode_makes_many_records_with_a_handful_of_calls(tmp_path, capsys):
    with FakeOpenAIServer(responder=Writer(openai_prompt)) as server:
        container = build_container(load_plugins=False, providers={"local": {"baseUrl": server.url + "/v1",
                                                                             "models": ["m"]}})
        out = tmp_path / "big.csv"
        code, _, err = _cli(container, capsys, "generate", "structured", "-s", _schema(tmp_path), "-n", "30000",
                            "--model", "m", "--mode", "hybrid", "-o", str(out))
        assert code == 0, err
        assert len(server.completion_requests) == 2  # parameters + one vocabulary, whatever the count
    lines = out.read_text().splitlines()
    assert len(lines) == 30001 and {line.split(",", 2)[1] for line in lines[1:]} == {"Solid and quiet.",
                                                                                     "Stopped after a week."}


def test_the_sdk_takes_mode_model_and_examples_and_streams_records(tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text(json.dumps({"id": 7, "title": "Lovely.", "stars": 5}) + "\n")
    fake = FakeTextModel(default=Writer(lambda r: r.prompt))
    container = build_container(load_plugins=False, providers={"local": {"baseUrl": "http://127.0.0.1:9/v1",
                                                                         "models": ["any-model"]}})
    swap_providers(container, fake)  # the provider's adapter is the fake; routing, budget and cache are real
    synth = AgenticSynth(container=container)
    result = synth.generate("structured", schema=SCHEMA, count=12, model="any-model", examples=str(examples))
    streamed = list(synth.generate_stream("structured", schema=SCHEMA, count=3, model="any-model"))
    engine = synth.generate("structured", schema=SCHEMA, count=3, model="any-model", mode="engine")
    assert len(result.records) == 12 and result.metadata.mode == "llm" and len(streamed) == 3
    assert '{"id": 7, "title": "Lovely.", "stars": 5}' in fake.requests[0].prompt
    assert result.metadata.models["any-model"].records == 12 and engine.metadata.calls == 0
