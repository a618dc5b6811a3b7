"""Settings from camelCase data through the one converter: types, paths in errors, defaults, resolution."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from agentic_synth.adapters.serialization import masked, structure, unstructure
from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.settings import KNOWN_PROVIDERS, Settings
from agentic_synth.domain.errors import ConfigError, exit_code_for

ORIGIN = ".agentic-synth.json"


def _load(payload: dict[str, Any]) -> Settings:
    return structure(payload, Settings, origin=ORIGIN)


def _error(payload: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        structure(payload, Settings, origin=ORIGIN)
    assert exit_code_for(caught.value) == 2
    return str(caught.value)


def test_an_unknown_strategy_names_the_path_and_the_allowed_values() -> None:
    assert _error({"models": {"routing": {"strategy": "cheapest"}}}) == (
        ".agentic-synth.json: models.routing.strategy: 'cheapest' is not one of cost, performance, quality, hybrid")


@pytest.mark.parametrize(("payload", "message"), [
    ({"cahce": {}}, "cahce: unknown key (did you mean 'cache'?)"),
    ({"models": {"routing": {"strategi": "cost"}}}, "models.routing.strategi: unknown key (did you mean 'strategy'?)"),
    ({"cache": {"max_size": 5}}, "cache.max_size: unknown key (did you mean 'maxSize'?)"),
    ({"providers": {"gemini": {"baseURL": "https://x"}}}, "providers.gemini.baseURL: unknown key (did you mean "
                                                           "'baseUrl'?)"),
])
def test_a_misspelt_key_is_reported_with_a_suggestion(payload: dict[str, Any], message: str) -> None:
    assert _error(payload) == f"{ORIGIN}: {message}"


@pytest.mark.parametrize(("payload", "message"), [
    ({"cache": {"maxSize": "big"}}, "cache.maxSize: expected a whole number, got 'big'"),
    ({"cache": {"maxSize": 1.5}}, "cache.maxSize: expected a whole number, got 1.5"),
    ({"cache": {"enabled": "yes"}}, "cache.enabled: expected true or false, got 'yes'"),
    ({"cache": {"maxSize": True}}, "cache.maxSize: expected a whole number, got True"),
    ({"cache": 3}, "cache: expected an object, got 3"),
    ({"apiKeys": {"gemini": 42}}, "apiKeys.gemini: expected a string, got 42"),
    ({"models": {"routing": {"fallbackChain": "gpt-4"}}}, "models.routing.fallbackChain: expected a list, got 'gpt-4'"),
    ({"models": {"routing": {"fallbackChain": ["a", 2]}}}, "models.routing.fallbackChain.1: expected a string, got 2"),
    ({"providers": {"openrouter": {"timeout": "slow"}}}, "providers.openrouter.timeout: expected a number, got 'slow'"),
    ({"models": {"catalog": {"m1": {"quality": 0.5}}}}, "models.catalog.m1.provider: is required"),
    ({"models": {"catalog": {"m1": {"provider": "gemini", "quality": 3}}}},
     "models.catalog.m1.quality: must be between 0 and 1, got 3.0"),
    ({"cache": {"maxSize": 0}}, "cache.maxSize: must be greater than 0, got 0"),
    ({"generators": {"events": {"defaultRate": "fast"}}}, "generators.events.defaultRate: 'fast' is not a rate"),
    ({"generators": {"timeseries": {"defaultDuration": "soon"}}},
     "generators.timeseries.defaultDuration: 'soon' is not a duration"),
])
def test_a_wrong_value_is_one_line_naming_its_path(payload: dict[str, Any], message: str) -> None:
    error = _error(payload)
    assert error.startswith(f"{ORIGIN}: {message}")
    assert "\n" not in error


def test_the_top_must_be_an_object() -> None:
    assert _error([1, 2]) == f"{ORIGIN}: expected a JSON object at the top, got a list"


def test_a_provider_of_your_own_needs_a_base_url_and_a_lower_case_name_and_defaults_to_openai_compatible() -> None:
    own = _load({"providers": {"my-vllm": {"baseUrl": "http://localhost:8000/v1"}}}).resolved()
    assert own.providers["my-vllm"].type == "openai-compatible"
    assert _error({"providers": {"my-vllm": {"type": "openai-compatible"}}}).startswith(
        f"{ORIGIN}: providers.my-vllm.baseUrl: is required")
    assert _error({"providers": {"MyServer": {}}}).startswith(f"{ORIGIN}: providers.MyServer: provider names")
    assert _error({"providers": {"x": {"type": "grpc", "baseUrl": "http://h"}}}).startswith(
        f"{ORIGIN}: providers.x.type: 'grpc' is not one of gemini, openrouter, openai-compatible")


def test_the_specification_example_strategy_name_is_accepted_as_an_alias() -> None:
    assert _load({"models": {"routing": {"strategy": "cost-optimized"}}}).models.routing.strategy == "cost"


def test_the_full_shape_is_understood_and_survives_a_round_trip() -> None:
    payload = {
        "apiKeys": {"gemini": "g-key-0123456789", "openRouter": None},
        "cache": {"enabled": False, "maxSize": 10, "ttl": 0, "persistPath": "/tmp/c"},
        "models": {"routing": {"strategy": "quality", "fallbackChain": ["a", "b"]},
                   "defaults": {"timeseries": "a", "events": None, "structured": "b"},
                   "catalog": {"a": {"provider": "gemini", "inputPerMTok": 0.1, "outputPerMTok": 0.4,
                                     "contextWindow": 1000000, "maxOutputTokens": 8192, "quality": 0.7,
                                     "latencyMs": 900, "jsonOutput": True, "streaming": False}}},
        "providers": {"my-vllm": {"type": "openai-compatible", "baseUrl": "http://localhost:8000/v1",
                                  "apiKey": "v-key", "models": ["llama-3.1-8b"], "requestsPerMinute": 60,
                                  "tokensPerMinute": 100000, "maxConcurrency": 2, "maxRetries": 0, "timeout": 5}},
        "integrations": {"midstreamer": {"enabled": True, "defaultPipeline": "p"}, "agenticRobotics": {"enabled": True},
                         "ruvector": {"enabled": True, "dbPath": "v.db"}},
        "generators": {"timeseries": {"defaultSampleRate": "5m", "defaultDuration": "2h"},
                       "events": {"defaultRate": "5/min"}},
    }
    settings = _load(payload)
    assert settings.models.catalog["a"].input_per_m_tok == 0.1
    assert settings.models.catalog["a"].latency_ms == 900.0
    assert settings.providers["my-vllm"].timeout == 5.0
    assert settings.providers["my-vllm"].models == ("llama-3.1-8b",)
    back = unstructure(settings)
    assert back["providers"]["my-vllm"]["apiKey"] == Secret("v-key")
    assert _load(back) == settings


def test_resolution_fills_in_the_built_in_providers_and_their_keys_from_api_keys() -> None:
    settings = _load({"apiKeys": {"gemini": "g-key-0123456789"},
                      "providers": {"gemini": {"timeout": 5}, "lab": {"type": "openai-compatible",
                                                                      "baseUrl": "http://h/v1", "apiKey": "lab"}}})
    resolved = settings.resolved()
    assert set(resolved.providers) == {*KNOWN_PROVIDERS, "lab"}
    assert resolved.providers["gemini"].base_url == KNOWN_PROVIDERS["gemini"][1]
    assert resolved.providers["gemini"].timeout == 5.0
    assert resolved.providers["gemini"].api_key.reveal() == "g-key-0123456789"
    assert resolved.providers["openrouter"].type == "openrouter"
    assert resolved.providers["lab"].api_key.reveal() == "lab"
    assert settings.providers_with_keys() == ["gemini", "lab"]


def test_masked_data_shows_set_or_not_set_for_every_key() -> None:
    data = masked(unstructure(_load({"apiKeys": {"gemini": "g-key-0123456789"}}).resolved()))
    assert data["apiKeys"] == {"gemini": "set (…6789)", "openRouter": "not set"}
    assert data["providers"]["gemini"]["apiKey"] == "set (…6789)"


def test_generator_defaults_come_only_from_values_that_are_set() -> None:
    settings = _load({"generators": {"timeseries": {"defaultSampleRate": "5m"}, "events": {"defaultRate": "2/s"}}})
    assert settings.generator_defaults("timeseries") == {"interval": "5m"}
    assert settings.generator_defaults("events") == {"rate": "2/s"}
    assert settings.generator_defaults("structured") == {}
    assert Settings().generator_defaults("timeseries") == {}


@pytest.mark.parametrize(("payload", "message"), [
    ({"models": {"catalog": {"m1": {"provider": "x", "inputPerMTok": float("inf")}}}},
     "models.catalog.m1.inputPerMTok: must be a finite number, got inf"),
    ({"providers": {"openrouter": {"timeout": float("inf")}}},
     "providers.openrouter.timeout: must be a finite number, got inf"),
    ({"models": {"routing": {"circuitBreaker": {"cooldownSeconds": float("inf")}}}},
     "models.routing.circuitBreaker.cooldownSeconds: must be a finite number, got inf"),
])
def test_an_infinite_number_such_as_1e400_in_json_is_refused_with_its_path(payload: dict[str, Any],
                                                                          message: str) -> None:
    assert _error(payload) == f"{ORIGIN}: {message}"


def test_the_table_of_builtin_providers_names_every_api_key_setting_and_its_environment_variables() -> None:
    from agentic_synth.adapters.config_file import ENV_OVERRIDES
    from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS
    from agentic_synth.domain.config.settings import ApiKeys

    assert sorted(p.key_setting for p in BUILTIN_PROVIDERS.values()) == sorted(f.name for f in attrs.fields(ApiKeys))
    for name, provider in BUILTIN_PROVIDERS.items():
        paths = {ENV_OVERRIDES[variable][0] for variable in provider.key_env}
        assert len(paths) == 1 and _load({}).key_for(name) == Secret()  # one setting, unset by default
    assert ENV_OVERRIDES["GOOGLE_API_KEY"] == ENV_OVERRIDES["GEMINI_API_KEY"] == ("apiKeys.gemini", str)
