"""The catalog (dated defaults, aliases, config overrides) and the cost arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.adapters.serialization import structure
from agentic_synth.domain.ai.catalog import ALIASES, DEFAULT_MODELS, PRICES_AS_OF, Catalog, ModelInfo
from agentic_synth.domain.ai.cost import (
    MESSAGE_OVERHEAD_TOKENS,
    approx_tokens,
    cost_of,
    estimate_run,
    max_input_tokens,
    max_tokens,
    usd,
    worst_case_cost,
)
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import BudgetExceeded, ConfigError


def _catalog(entries: object) -> Catalog:
    """The catalog a configuration's `models.catalog` gives (parsed once, by Settings)."""
    settings = structure({"models": {"catalog": entries}}, Settings, origin="config")
    return Catalog.from_settings(settings.models.catalog)


def test_every_default_model_is_dated_priced_and_serves_gemini_or_openrouter() -> None:
    assert dt.date.fromisoformat(PRICES_AS_OF) <= dt.date.today()
    assert {m.provider for m in DEFAULT_MODELS} == {"gemini", "openrouter"}
    for model in DEFAULT_MODELS:
        assert model.priced and model.context_window and model.max_output_tokens
        assert 0 <= (model.quality or 0) <= 1 and (model.latency_ms or 0) > 0


def test_the_specifications_short_names_resolve_to_catalog_models() -> None:
    catalog = Catalog.default()
    for short in ("gemini-pro", "gpt-4", "claude-3", "gpt-4-turbo", "claude-3-sonnet"):
        info = catalog.get(short)
        assert info is not None and info.name == ALIASES[short] and info.known
        assert info.name != short


def test_config_overrides_one_field_of_a_default_and_adds_a_new_model() -> None:
    catalog = _catalog({
        "gemini-2.5-flash": {"outputPerMTok": 2.0},
        "acme/model-x": {"provider": "openrouter", "inputPerMTok": 0.15, "outputPerMTok": 0.6,
                         "contextWindow": 128000, "maxOutputTokens": 16384, "quality": 0.8, "latencyMs": 900,
                         "jsonOutput": True},
    })
    flash = catalog.get("gemini-2.5-flash")
    assert flash is not None and flash.output_per_mtok == 2.0 and flash.input_per_mtok == 0.30
    assert catalog.get("acme/model-x") == ModelInfo("acme/model-x", "openrouter", 0.15, 0.6, 128000, 16384, 0.8, 900)
    assert len(catalog) == len(DEFAULT_MODELS) + 1


def test_an_override_given_under_an_alias_changes_the_model_it_stands_for() -> None:
    catalog = _catalog({"gemini-pro": {"inputPerMTok": 1.0}})
    assert catalog.get("gemini-2.5-pro").input_per_mtok == 1.0  # type: ignore[union-attr]


@pytest.mark.parametrize(("payload", "message"), [
    ({"new/model": {"inputPerMTok": 1}}, "models.catalog.new/model.provider: is required"),
    ({"m": {"provider": "gemini", "inputPerMTok": -1}}, "models.catalog.m.inputPerMTok: must be 0 or more"),
    ({"m": {"provider": "gemini", "quality": 3}}, "models.catalog.m.quality: must be between 0 and 1"),
    ({"m": {"provider": "gemini", "prise": 3}}, "models.catalog.m.prise: unknown key"),
    ({"m": {"provider": "gemini", "contextWindow": 1.5}}, "models.catalog.m.contextWindow: expected a whole"),
    ({"m": {"provider": "gemini", "jsonOutput": "yes"}}, "models.catalog.m.jsonOutput: expected true or false"),
    ({"m": 3}, "models.catalog.m: expected an object"),
    ([1], "models.catalog: expected an object"),
])
def test_bad_catalog_entries_are_refused_with_their_path(payload: object, message: str) -> None:
    with pytest.raises(ConfigError, match="^config: " + message.replace(".", r"\.")):
        _catalog(payload)


def test_a_name_outside_the_catalog_is_kept_as_given_and_unpriced() -> None:
    info = Catalog.default().lookup("my-local-llama", "ollama")
    assert (info.name, info.provider, info.known, info.priced) == ("my-local-llama", "ollama", False, False)
    assert cost_of(info, 1000, 1000) is None


def test_a_million_tokens_each_way_cost_the_two_list_prices() -> None:
    model = ModelInfo("m", "p", input_per_mtok=0.3, output_per_mtok=2.5)
    assert cost_of(model, 1_000_000, 1_000_000) == Decimal("2.8")
    assert cost_of(model, 1, 0) == Decimal("0.3") / 1_000_000


@given(st.text())
def test_the_token_estimate_never_exceeds_the_byte_bound_and_over_counts_english(text: str) -> None:
    assert approx_tokens(text) <= max_tokens(text)
    assert approx_tokens(text) >= len(text) / 4  # typical tokenisers average ~4 characters a token


def test_the_worst_case_reserves_every_prompt_byte_and_the_capped_output_allowance() -> None:
    model = ModelInfo("m", "p", input_per_mtok=1.0, output_per_mtok=10.0, max_output_tokens=1000)
    request = ModelRequest(prompt="héllo", system="sys", max_output_tokens=4096)
    assert max_input_tokens(request) == 6 + 3 + MESSAGE_OVERHEAD_TOKENS
    expected = (Decimal(max_input_tokens(request)) * 1 + Decimal(1000) * 10) / 1_000_000
    assert worst_case_cost(model, request) == expected


def test_money_is_shown_with_four_decimals_rounded_up() -> None:
    assert usd(Decimal("0.09941")) == "$0.0995"
    assert usd(None) == "unknown"


def test_the_budget_stop_message_reads_as_the_issue_asks() -> None:
    stop = BudgetExceeded.stopped(spent=0.0994, limit=0.1, next_call=0.0012)
    assert str(stop) == "budget reached: $0.0994 of $0.1000 spent; the next call could cost up to $0.0012"
    final = stop.with_records(812, 1000)
    assert str(final) == "budget reached: $0.0994 of $0.1000 spent; 812 of 1000 records written"
    assert final.keeps_records and final.exit_code == 4 and (final.spent, final.limit) == (0.0994, 0.1)


def test_an_llm_estimate_counts_one_call_per_batch_and_brackets_the_tokens() -> None:
    model = ModelInfo("m", "p", input_per_mtok=1.0, output_per_mtok=4.0, max_output_tokens=8192)
    est = estimate_run(mode="llm", count=1000, schema_chars=300, record_chars=120, model=model, batch_size=25)
    assert est.calls == (40, 44) and est.batch_size == 25
    assert est.tokens_in[0] < est.tokens_in[1] and est.tokens_out[0] < est.tokens_out[1]
    assert est.tokens_out[0] == 40 * 25 * 120 // 4
    low, high = est.cost_usd  # type: ignore[misc]
    assert low == cost_of(model, est.tokens_in[0], est.tokens_out[0]) and low < high


def test_a_batch_that_would_overflow_the_output_allowance_is_made_smaller() -> None:
    model = ModelInfo("m", "p", input_per_mtok=1.0, output_per_mtok=4.0, max_output_tokens=1000)
    est = estimate_run(mode="llm", count=100, schema_chars=300, record_chars=300, model=model, batch_size=50)
    assert est.batch_size == 10 and est.calls[0] == 10
    assert est.tokens_out[1] <= est.calls[1] * 1000


def test_the_engine_and_a_hybrid_plan_are_estimated_as_no_call_and_one_call() -> None:
    model = ModelInfo("m", "p", input_per_mtok=1.0, output_per_mtok=4.0)
    assert estimate_run(mode="engine", count=10**6, schema_chars=300, record_chars=100, model=model).calls == (0, 0)
    assert estimate_run(mode="hybrid", count=10**6, schema_chars=300, record_chars=100, model=model).calls == (1, 1)


def test_an_unpriced_model_has_an_unknown_estimate() -> None:
    est = estimate_run(mode="llm", count=10, schema_chars=10, record_chars=10, model=ModelInfo("x", "p"))
    assert est.cost_usd is None and est.worst_call_usd is None and est.calls[0] == 1


def test_a_settings_shaped_entry_with_unset_fields_changes_only_what_it_sets() -> None:
    # the configuration model hands over every field, unset ones as None
    catalog = _catalog({"gemini-2.5-flash": {
        "provider": "gemini", "inputPerMTok": None, "outputPerMTok": 2.0, "contextWindow": None,
        "maxOutputTokens": None, "quality": None, "latencyMs": None, "jsonOutput": None, "streaming": None}})
    flash = catalog.get("gemini-2.5-flash")
    assert flash is not None and (flash.input_per_mtok, flash.output_per_mtok) == (0.30, 2.0)
    assert flash.context_window == 1_048_576


def test_a_relative_speed_score_is_refused_in_favour_of_a_latency() -> None:
    with pytest.raises(ConfigError, match=r"models\.catalog\.m\.speed: not used by the router; give latencyMs"):
        _catalog({"m": {"provider": "gemini", "speed": 0.9}})
