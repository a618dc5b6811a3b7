"""AgenticSynth(config=path|dict|Settings), the container's camelCase config, and generator defaults from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.errors import ConfigError, UsageError
from agentic_synth.domain.generation.generators import CustomGenerator, OptionSpec
from agentic_synth.domain.generation.requests import GenerationRequest, parse_duration, parse_rate
from agentic_synth.entrypoints.container import build_container
from agentic_synth.entrypoints.sdk import AgenticSynth

KEY = "sdk-key-0123456789wxyz"
SCHEMA = {"v": {"type": "integer", "min": 0, "max": 9}}


class FakeTimeseries(CustomGenerator):
    """Stands in for the timeseries generator: takes interval and duration, echoes what it got."""

    type = "timeseries"
    options = (OptionSpec("interval", parse_duration), OptionSpec("duration", parse_duration))

    def generate_record(self, request: GenerationRequest, index: int) -> dict[str, int]:
        return {"v": index}


class FakeEvents(CustomGenerator):
    type = "events"
    options = (OptionSpec("rate", parse_rate),)


def test_a_path_a_dict_and_a_settings_object_configure_the_same_way(tmp_path: Path) -> None:
    payload = {"apiKeys": {"gemini": KEY}, "cache": {"maxSize": 42}}
    path = tmp_path / "synth.json"
    path.write_text(json.dumps(payload))
    by_path = AgenticSynth(config=str(path), container=build_container(load_plugins=False))
    by_dict = AgenticSynth(config=payload, container=build_container(load_plugins=False))
    by_settings = AgenticSynth(config=by_dict.config, container=build_container(load_plugins=False))
    assert by_path.config == by_dict.config == by_settings.config
    assert by_path.config.cache.max_size == 42
    assert KEY not in repr(by_path.config)


def test_the_container_holds_the_validated_settings_that_every_factory_receives() -> None:
    synth = AgenticSynth(config={"apiKeys": {"gemini": KEY}, "providers": {"openrouter": {"maxConcurrency": 16}}},
                         container=build_container(load_plugins=False))
    settings = synth.container.settings()
    resolved = settings.resolved()
    assert settings.api_keys.gemini == Secret(KEY)
    assert resolved.providers["gemini"].api_key.reveal() == KEY
    assert resolved.providers["openrouter"].max_concurrency == 16
    assert resolved.providers["openrouter"].base_url == "https://openrouter.ai/api/v1"
    assert settings.cache.max_size == 1000
    assert settings.generators.events.default_rate is None
    assert synth.container.load_plugins() is False


def test_a_bad_config_argument_is_refused_with_our_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="config must be a path, a dict or a Settings"):
        AgenticSynth(config=42)
    with pytest.raises(ConfigError, match=r"^AgenticSynth\(config=\.\.\.\): cache\.ttl: expected a whole number"):
        AgenticSynth(config={"cache": {"ttl": "1h"}})


def test_without_config_the_working_directory_file_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".agentic-synth.json").write_text(json.dumps({"cache": {"enabled": False}}))
    assert AgenticSynth().config.cache.enabled is False


def test_configured_generator_defaults_fill_in_options_the_call_left_out() -> None:
    config = {"generators": {"timeseries": {"defaultSampleRate": "5m", "defaultDuration": "2h"},
                             "events": {"defaultRate": "30/min"}}}
    synth = AgenticSynth(config=config, container=build_container(load_plugins=False))
    synth.register_generator(FakeTimeseries(), replace=True)
    synth.register_generator(FakeEvents(), replace=True)
    request = synth.request("timeseries", schema=SCHEMA, count=2)
    assert request.options == {"interval": 300.0, "duration": 7200.0}
    assert synth.request("timeseries", schema=SCHEMA, interval="1s").options == {"interval": 1.0, "duration": 7200.0}
    assert synth.request("events", schema=SCHEMA).options == {"rate": 0.5}
    assert synth.request("structured", schema=SCHEMA).options == {}  # takes none of them: nothing added


def test_without_configured_defaults_the_generator_keeps_its_own() -> None:
    synth = AgenticSynth(config=Settings(), container=build_container(load_plugins=False))
    synth.register_generator(FakeTimeseries(), replace=True)
    assert synth.request("timeseries", schema=SCHEMA).options == {}
