"""`models list`, `estimate`, `generate --dry-run`, the routing flags and a budget stop, end to end."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.application.prompts import MAX_BATCH
from agentic_synth.application.text_models.budgeted import MIN_FITTED_TOKENS
from agentic_synth.domain.ai.catalog import DEFAULT_MODELS, PRICES_AS_OF
from agentic_synth.domain.ai.cost import cost_of, worst_case_cost
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.generators import CustomGenerator
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.entrypoints.container import Container
from agentic_synth.entrypoints.model_stack import ModelStack
from tests.containers import reconfigure, swap_providers
from tests.fakes import FakeTextModel

SCHEMA = {"id": {"type": "integer", "min": 1, "max": 10**6}, "name": "name", "email": "email"}


@pytest.fixture
def gemini_only(container: Container) -> Container:
    reconfigure(container, {"apiKeys": {"gemini": "test-key"}})
    container.pinned.set_provides(True)  # the CLI keeps this configuration instead of loading a file
    return container


def test_models_list_shows_prices_and_which_providers_have_a_key(run_cli, gemini_only) -> None:
    code, out, err = run_cli("models", "list")
    assert code == 0, err
    lines = out.decode().splitlines()
    for model in DEFAULT_MODELS:
        row = next(line for line in lines if line.startswith(model.name + " "))
        assert f"{model.input_per_mtok:g}" in row and f"{model.output_per_mtok:g}" in row
        assert row.endswith("yes") == (model.provider == "gemini")
    assert any(PRICES_AS_OF in line for line in lines)


def test_models_list_json_includes_config_models_aliases_and_usability(run_cli, gemini_only) -> None:
    reconfigure(gemini_only, {"models": {"catalog": {"acme/model-x": {
        "provider": "openrouter", "inputPerMTok": 0.15, "outputPerMTok": 0.6}}}})
    code, out, err = run_cli("models", "list", "--json")
    assert code == 0, err
    payload = json.loads(out)
    models = {m["name"]: m for m in payload["models"]}
    assert models["acme/model-x"]["inputPerMTok"] == 0.15 and models["acme/model-x"]["usable"] is False
    assert models["gemini-2.5-flash"]["usable"] is True
    assert payload["aliases"]["gemini-pro"] in models and payload["pricesAsOf"] == PRICES_AS_OF


def test_a_bad_catalog_entry_in_config_is_a_one_line_error_naming_it(run_cli, gemini_only, tmp_path) -> None:
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"models": {"catalog": {"x": {"inputPerMTok": 1}}}}))
    code, _, err = run_cli("--config", str(config), "models", "list")
    assert code == 2 and err == f"error: {config}: models.catalog.x.provider: is required for a model that is not " \
                                "in the built-in catalog\n"


def test_estimate_picks_the_cheapest_usable_model_and_counts_one_call_per_batch(run_cli, gemini_only,
                                                                               schema_file) -> None:
    code, out, err = run_cli("estimate", "structured", "-s", schema_file(SCHEMA), "-n", "1000", "--json")
    assert code == 0, err
    est = json.loads(out)
    gemini = [m for m in DEFAULT_MODELS if m.provider == "gemini"]
    cheapest = min(gemini, key=lambda m: (m.input_per_mtok or 0) + (m.output_per_mtok or 0))
    assert est["model"] == cheapest.name
    assert est["batchSize"] == MAX_BATCH  # what the run's first call asks for (small records fit 50 a call)
    base = math.ceil(1000 / MAX_BATCH)
    assert est["calls"] == [base, base + math.ceil(base * 0.1)]
    low = cost_of(cheapest, est["tokensIn"][0], est["tokensOut"][0])
    assert est["costUsd"][0] == pytest.approx(float(low))  # type: ignore[arg-type]
    assert est["costUsd"][0] < est["costUsd"][1]


@pytest.mark.parametrize(("budget", "verdict"), [
    ("1000", "covers the high estimate"),
    ("1", "may stop the run early"),
    ("0.01", "is below the worst case of a single call; no call would start"),
])
def test_estimate_with_a_budget_says_whether_it_covers_the_run(run_cli, gemini_only, schema_file, budget,
                                                               verdict) -> None:
    code, out, _ = run_cli("estimate", "structured", "-s", schema_file(SCHEMA), "-n", "100000", "--strategy",
                           "quality", "--budget", budget)
    assert code == 0 and "model gemini-2.5-pro" in out.decode() and verdict in out.decode()


def test_estimate_refuses_a_pinned_model_without_prices_under_a_budget(run_cli, gemini_only, schema_file) -> None:
    code, out, err = run_cli("estimate", "structured", "-s", schema_file(SCHEMA), "--model", "my-model",
                             "--provider", "gemini", "--budget", "0.10")
    assert code == 2 and out == b""
    assert err.startswith("error: --budget: the price of model 'my-model' is unknown") and err.count("\n") == 1


def test_generate_dry_run_writes_nothing_and_spends_nothing(run_cli, gemini_only, schema_file, tmp_path) -> None:
    target = tmp_path / "out.jsonl"
    code, out, err = run_cli("generate", "structured", "-s", schema_file(SCHEMA), "-n", "50", "-o", str(target),
                             "--dry-run", "--budget", "0.10", "--fallback", "gemini-pro,gpt-4")
    assert code == 0, err
    assert not target.exists() and "nothing was generated and nothing was spent" in out.decode()


@pytest.mark.parametrize(("flags", "message"), [
    (("--budget", "ten"), "error: --budget: expected a positive amount in USD (like 0.10), got 'ten'\n"),
    (("--budget", "-1"), "error: --budget: expected a positive amount in USD (like 0.10), got '-1'\n"),
    (("--strategy", "smart"), "error: --strategy: 'smart' is not a routing strategy; use one of cost, "
                              "performance, quality, hybrid\n"),
    (("--fallback", "gemini-pro,,gpt-4"), "error: --fallback: expected model names separated by commas, "
                                          "got 'gemini-pro,,gpt-4'\n"),
])
def test_bad_routing_flags_are_usage_errors_and_no_file_appears(run_cli, schema_file, tmp_path, flags,
                                                                message) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run_cli("generate", "structured", "-s", schema_file(SCHEMA), "-o", str(target), *flags)
    assert (code, err) == (2, message) and not target.exists()


def test_valid_routing_flags_on_an_engine_run_are_noted_in_the_report(run_cli, schema_file, tmp_path) -> None:
    report = tmp_path / "report.json"
    code, _, err = run_cli("generate", "structured", "-s", schema_file(SCHEMA), "-n", "5", "-o",
                           str(tmp_path / "o.jsonl"), "--mode", "engine", "--auto-route", "--strategy", "hybrid",
                           "--budget", "$0.10", "--report", str(report))
    assert code == 0, err
    assert json.loads(report.read_text())["notes"] == [
        "routing, budget and cache-policy options apply to model calls; the engine made none"]


class PaidGenerator(CustomGenerator):
    """Stands in for the llm loop: every chunk of 10 records is one model call through the stack."""

    type = "paid"

    def __init__(self, stack: ModelStack) -> None:
        self.stack = stack

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        total = request.count or 0
        for start in range(0, total, 10):
            completion = self.stack.text_model.complete(ModelRequest(prompt="x" * 100, max_output_tokens=1000))
            rows = [{"id": i, "name": "n", "email": "e@x.org"} for i in range(start, min(start + 10, total))]
            self.stack.ledger.record_records(completion.model, len(rows))
            yield RecordChunk.from_rows(rows, request.schema.names)


def test_auto_route_with_no_usable_model_is_a_usage_error_before_any_output(run_cli, schema_file, tmp_path) -> None:
    target = tmp_path / "o.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", schema_file(SCHEMA), "-n", "5", "-o", str(target),
                           "--auto-route")
    assert code == 2
    assert err.splitlines()[-1].startswith("error: --auto-route: no model is usable")
    assert not target.exists()


def test_a_budget_stop_keeps_the_records_so_far_and_says_how_many(run_cli, gemini_only, schema_file,
                                                                  tmp_path) -> None:
    swap_providers(gemini_only, FakeTextModel.for_routing("gemini", tokens_in=100, tokens_out=50), "gemini")
    reconfigure(gemini_only, {"models": {"defaults": {"structured": "gemini-2.0-flash"}}})
    limit = 0.0002  # 10 calls cost $0.0003; the full worst case of one ($0.0004) would not even fit once
    stack = gemini_only.model_stack(routing=RunRouting(budget_usd=limit), kind="structured", cache=None)
    gemini_only.registry().register(PaidGenerator(stack))
    model = stack.catalog.get("gemini-2.0-flash")
    assert model is not None
    # near the cap a call's output allowance (1,000) is lowered to what fits, down to MIN_FITTED_TOKENS
    per_call, smallest = cost_of(model, 100, 50), worst_case_cost(model, ModelRequest(
        prompt="x" * 100, max_output_tokens=MIN_FITTED_TOKENS))
    assert per_call is not None and smallest is not None
    affordable = next(k for k in range(100) if per_call * k + smallest > stack.budget.limit)  # type: ignore[operator]
    assert affordable == 3
    target = tmp_path / "paid.jsonl"
    code, _, err = run_cli("generate", "paid", "-s", schema_file(SCHEMA), "-n", "100", "-o", str(target))
    assert code == 4
    assert err.splitlines()[-1] == f"error: budget reached: ${float(per_call * affordable):.4f} of ${limit:.4f} " \
                                   f"spent; {10 * affordable} of 100 records written"
    assert len(target.read_text().splitlines()) == 10 * affordable
    assert stack.budget.spent <= stack.budget.limit  # type: ignore[operator]
    assert stack.ledger.usage()["gemini-2.0-flash"].records == 10 * affordable


def test_the_sdk_validates_budget_and_routing_keywords_before_any_output(tmp_path: Path) -> None:
    synth = AgenticSynth()
    with pytest.raises(UsageError, match="--budget: expected a positive amount"):
        synth.generate("structured", schema=SCHEMA, count=5, output=tmp_path / "x.csv", budget=0)
    with pytest.raises(UsageError, match="--strategy"):
        synth.generate("structured", schema=SCHEMA, count=5, strategy="cheapest-ish")
    assert not (tmp_path / "x.csv").exists()
    result = synth.generate("structured", schema=SCHEMA, count=5, budget=0.5, fallback=["gemini-pro", "gpt-4"])
    assert len(result.records) == 5 and result.metadata.notes
