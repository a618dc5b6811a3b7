"""The merged AI stack end to end through the CLI: budget, fallback, routing and providers (issues 6 and 7).

Providers are configured as a user would (config keys in the specification's shape) and served by
the fake servers in tests/servers, spoken to by the real SDKs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import build_container
from tests.e2e.ai_stack_helpers import SCHEMA, Writer, gemini_writer, valid_rows, write_config
from tests.servers.gemini_fake import FakeGeminiServer
from tests.servers.openai_fake import FakeOpenAIServer, openai_error_reply

PRICES = {"inputPerMTok": 200.0, "outputPerMTok": 800.0, "maxOutputTokens": 1000}


def _cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str, **config: Any) -> tuple[int, str, str]:
    container = build_container(load_plugins=False, **config)
    code = main(["generate", "structured", "-s", write_config(tmp_path / "schema.json", SCHEMA), *args],
                container=container)
    out, err = capsys.readouterr()
    return code, out, err


# --- budget -------------------------------------------------------------------------------------

def test_a_budget_stops_a_real_run_midway_with_exactly_the_records_it_paid_for(tmp_path, capsys) -> None:
    writer = Writer()
    with FakeOpenAIServer(responder=writer) as server:
        out = tmp_path / "o.jsonl"
        code, _, err = _cli(capsys, tmp_path, "--model", "m", "--batch-size", "4", "-n", "40", "--budget", "1.00",
                            "-o", str(out), "--cache-policy", "none",
                            providers={"local": {"baseUrl": server.url + "/v1", "models": ["m"]}},
                            models={"catalog": {"m": {"provider": "local", **PRICES}}})
        requests = len(server.completion_requests)
    rows = valid_rows(out)
    spent = writer.spend(PRICES["inputPerMTok"], PRICES["outputPerMTok"])
    assert code == 4 and 0 < len(rows) < 40 and requests == len(rows) // 4
    assert err.splitlines()[-1] == f"error: budget reached: ${spent:.4f} of $1.0000 spent; {len(rows)} of 40 " \
                                   f"records written"
    assert spent <= 1.00 and len({r["id"] for r in rows}) == len(rows)


def test_under_a_budget_a_model_without_prices_is_refused_before_any_request(tmp_path, capsys) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        code, _, err = _cli(capsys, tmp_path, "--model", "m", "-n", "5", "--budget", "1", "-o",
                            str(tmp_path / "o.csv"), providers={"local": {"baseUrl": server.url + "/v1",
                                                                          "models": ["m"]}})
        assert server.requests == []
    assert code == 2 and err.splitlines()[-1].startswith("error: --budget: the price of model 'm' is unknown")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("command", ["generate --dry-run", "estimate"])
def test_a_dry_run_and_an_estimate_make_no_request(tmp_path, capsys, command: str) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        container = build_container(load_plugins=False, providers={"local": {"baseUrl": server.url + "/v1",
                                                                             "models": ["m"]}},
                                    models={"catalog": {"m": {"provider": "local", **PRICES}}})
        schema = write_config(tmp_path / "schema.json", SCHEMA)
        code = main([*command.split(), "structured", "-s", schema, "--model", "m", "-n", "100", "--budget", "5"],
                    container=container)
        out = capsys.readouterr().out
        assert code == 0 and server.requests == []
    assert "model m" in out and "$" in out


# --- fallback -----------------------------------------------------------------------------------

def _rate_limited(server: FakeOpenAIServer, writer: Writer, *failing: str):
    def handle(request):
        if request.json.get("model") in failing:
            return openai_error_reply(429, retry_after=0.01)
        return server.completion_reply(request, writer(request))
    return handle


def test_a_primary_that_answers_429_forever_hands_over_to_the_fallback_within_the_retry_policy(tmp_path,
                                                                                              capsys) -> None:
    writer = Writer()
    with FakeOpenAIServer() as server:
        server.default_handler = _rate_limited(server, writer, "primary")
        report = tmp_path / "report.json"
        code, _, err = _cli(capsys, tmp_path, "--model", "primary", "--fallback", "backup", "-n", "12",
                            "--batch-size", "4", "-o", str(tmp_path / "o.jsonl"), "--report", str(report),
                            providers={"a": {"baseUrl": server.url + "/v1", "models": ["primary"], "maxRetries": 2},
                                       "b": {"baseUrl": server.url + "/v1", "models": ["backup"]}})
        sent = [r.json["model"] for r in server.completion_requests]
    assert code == 0, err
    assert len(valid_rows(tmp_path / "o.jsonl")) == 12
    assert sent.count("backup") == 3 and sent.count("primary") <= 3 * (2 + 1)  # each batch: 1 try + 2 retries
    models = json.loads(report.read_text())["models"]
    assert models["backup"]["records"] == 12 and models["primary"]["records"] == 0
    assert models["primary"]["failures"] >= 1
    assert "falling back to the next model" in err


def test_when_every_model_fails_one_line_names_each_and_why(tmp_path, capsys) -> None:
    with FakeOpenAIServer() as server:
        server.default_handler = _rate_limited(server, Writer(), "primary", "second")
        out = tmp_path / "o.jsonl"
        code, _, err = _cli(capsys, tmp_path, "--model", "primary", "--fallback", "second", "-n", "4",
                            "-o", str(out), providers={"a": {"baseUrl": server.url + "/v1",
                                                             "models": ["primary", "second"], "maxRetries": 1}})
    assert code == 3 and not out.exists()
    assert err.splitlines()[-1] == "error: every model failed: primary: a: rate limited (429); " \
                                   "second: a: rate limited (429)"


# --- routing ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cheap", "where"), [("acme/cheap", "openrouter"), ("gemini-2.0-flash", "gemini")])
def test_auto_route_by_cost_sends_the_calls_to_the_cheaper_model(tmp_path, capsys, cheap: str, where: str) -> None:
    with FakeOpenAIServer(responder=Writer()) as router, FakeGeminiServer(
            api_key="gk-1", responder=gemini_writer(), models=["gemini-2.0-flash", "gemini-2.5-flash",
                                                               "gemini-2.5-pro", "gemini-2.5-flash-lite"]) as gem:
        catalog = {cheap: {"provider": where, "inputPerMTok": 0.0001, "outputPerMTok": 0.0001}}
        code, _, err = _cli(capsys, tmp_path, "--auto-route", "--strategy", "cost", "-n", "4", "--batch-size", "4",
                            "-o", str(tmp_path / "o.jsonl"), apiKeys={"gemini": "gk-1", "openRouter": "sk-or-1"},
                            providers={"gemini": {"baseUrl": gem.url}, "openrouter": {"baseUrl": router.url + "/v1"}},
                            models={"catalog": catalog})
        to_router = [r.json["model"] for r in router.completion_requests]
        to_gemini = [gem.model_of(r) for r in gem.generate_requests]
    assert code == 0, err
    assert (to_router, to_gemini) == (([cheap], []) if where == "openrouter" else ([], [cheap]))


def test_the_per_kind_default_model_is_used_when_its_key_is_set_and_none_is_named(tmp_path, capsys) -> None:
    with FakeOpenAIServer(responder=Writer()) as server:
        models = {"defaults": {"structured": "acme/model-x"},
                  "catalog": {"acme/model-x": {"provider": "openrouter", "inputPerMTok": 0.1, "outputPerMTok": 0.1}}}
        providers = {"openrouter": {"baseUrl": server.url + "/v1"}}
        code, _, err = _cli(capsys, tmp_path, "-n", "3", "-o", str(tmp_path / "o.jsonl"),
                            apiKeys={"openRouter": "sk-or-1"}, providers=providers, models=models)
        assert code == 0, err
        assert "mode llm, model acme/model-x" in err
        assert [r.json["model"] for r in server.completion_requests] == ["acme/model-x"]
        code, _, err = _cli(capsys, tmp_path, "-n", "3", "-o", str(tmp_path / "e.jsonl"), providers=providers,
                            models=models)  # no key: the default is not usable, the engine runs
        assert code == 0 and len(server.completion_requests) == 1 and "built-in engine" in err


# --- providers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
@pytest.mark.parametrize("provider", ["gemini", "openai-compatible"])
def test_llm_mode_writes_every_format_from_each_provider(tmp_path, capsys, provider: str, fmt: str) -> None:
    if provider == "gemini":
        server: Any = FakeGeminiServer(api_key="gk-1", models=["gemini-2.5-flash"], responder=gemini_writer())
        model, config = "gemini-2.5-flash", {"apiKeys": {"gemini": "gk-1"}}
    else:
        server = FakeOpenAIServer(responder=Writer())
        model, config = "llama3.1:8b", {}
    with server:
        base = server.url if provider == "gemini" else server.url + "/v1"
        name = "gemini" if provider == "gemini" else "local"
        out = tmp_path / f"o.{fmt}"
        code, _, err = _cli(capsys, tmp_path, "--model", model, "-n", "9", "--batch-size", "4", "-o", str(out),
                            providers={name: {"baseUrl": base, "models": [model]}}, **config)
        calls = len(server.generate_requests if provider == "gemini" else server.completion_requests)
    assert code == 0, err
    rows = valid_rows(out)
    assert len(rows) == 9 and len({r["id"] for r in rows}) == 9 and calls == 3


def test_records_that_break_the_schema_are_dropped_duplicates_suppressed_and_the_shortfall_asked_again(
        tmp_path, capsys) -> None:
    def spoil(rows: list[dict[str, Any]], call: int) -> list[dict[str, Any]]:
        if call == 0:  # one record out of range, one repeated
            return [{**rows[0], "stars": 11}, rows[1], rows[1], *rows[2:]]
        return rows
    with FakeOpenAIServer(responder=Writer(twist=spoil)) as server:
        report = tmp_path / "r.json"
        code, _, err = _cli(capsys, tmp_path, "--model", "m", "-n", "8", "--batch-size", "4", "-o",
                            str(tmp_path / "o.jsonl"), "--report", str(report),
                            providers={"local": {"baseUrl": server.url + "/v1", "models": ["m"]}})
        calls = len(server.completion_requests)
    assert code == 0, err
    rows = valid_rows(tmp_path / "o.jsonl")
    assert len(rows) == 8 and len({r["id"] for r in rows}) == 8 and calls == 3  # 2 batches + 1 for the shortfall
    meta = json.loads(report.read_text())
    assert meta["dropped"] == 2 and "dropped 1 invalid and 1 duplicate records" in meta["notes"]
    assert re.search(r"; 2 invalid or duplicate records dropped", err)
