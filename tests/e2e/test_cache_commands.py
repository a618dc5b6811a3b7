"""`agentic-synth cache stats|clear|path`, `generate --cache-policy`, and `synth.cache` in the SDK."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agentic_synth import AgenticSynth, ConfigError, UsageError
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import CacheScope, exact_key
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.entrypoints.cli.console import summary
from agentic_synth.entrypoints.cli.main import main
from agentic_synth.entrypoints.container import Container, build_container
from tests.containers import reconfigure, swap_providers
from tests.fakes import FakeTextModel


def ask(batch: int, model: str = "m1", purpose: str = "records") -> ModelRequest:
    return ModelRequest(prompt=f"batch {batch}", model=model, provider="fake", purpose=purpose,
                        cache_scope=CacheScope(template_version="v1", batch_index=batch, count=10))


def fill(container: Container, *requests: ModelRequest) -> None:
    """Send requests through the cache layer of a run's model stack (its provider a fake)."""
    reconfigure(container, {"apiKeys": {"gemini": "k"}})
    swap_providers(container, FakeTextModel.for_cache(default=lambda request: '{"reply": 1}'), "gemini")
    (model,) = container.model_stack().caches
    for request in requests:
        model.complete(request)


def test_cache_path_prints_the_directory_of_the_persistent_cache(run_cli) -> None:
    code, out, err = run_cli("cache", "path")
    assert code == 0 and err == ""
    assert out.decode().strip() == os.environ["AGENTIC_SYNTH_CACHE_DIR"]


def test_cache_stats_and_clear_see_what_earlier_calls_stored(run_cli, container: Container) -> None:
    fill(container, ask(0), ask(1), ask(0))
    code, out, _ = run_cli("cache", "stats", "--json")
    figures = json.loads(out)
    assert code == 0 and figures["backend"] == "sqlite"
    assert (figures["size"], figures["hits"], figures["writes"]) == (4, 1, 4)  # exact + loose key per reply
    code, out, _ = run_cli("cache", "stats")
    text = out.decode()
    assert code == 0 and "entries: 4 of 1,000" in text and "1 hits" in text
    code, out, _ = run_cli("cache", "clear")
    assert (code, out.decode().strip()) == (0, "cleared 4 entries")
    assert json.loads(run_cli("cache", "stats", "--json")[1])["size"] == 0


def test_a_corrupt_cache_file_is_a_warning_not_a_crash(run_cli) -> None:
    directory = Path(os.environ["AGENTIC_SYNTH_CACHE_DIR"])
    (directory / "responses.sqlite3").write_bytes(b"\x00garbage" * 64)
    code, out, err = run_cli("cache", "stats")
    assert code == 0 and "entries: 0" in out.decode()
    assert "corrupt" in err and "Traceback" not in err


def test_a_disabled_cache_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["cache", "stats"], container=build_container(load_plugins=False, cache={"enabled": False}))
    assert code == 0 and "disabled" in capsys.readouterr().out
    code = main(["cache", "path"], container=build_container(load_plugins=False, cache={"persistPath": ""}))
    assert code == 0 and "no persistent cache" in capsys.readouterr().out


def test_a_bad_cache_setting_is_one_error_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as error:
        build_container(load_plugins=False, cache={"ttl": "1h"})
    assert str(error.value) == "build_container(...): cache.ttl: expected a whole number, got '1h'"
    Path(".agentic-synth.json").write_text('{"cache": {"ttl": "1h"}}')
    code = main(["cache", "stats"])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == "error: .agentic-synth.json: cache.ttl: expected a whole number, got '1h'"


def test_generate_accepts_the_cache_policies_and_rejects_others(run_cli, schema_file) -> None:
    schema = schema_file({"name": "name"})
    for policy in ("none", "default", "aggressive"):
        code, out, _ = run_cli("generate", "structured", "-s", schema, "-n", "2", "--seed", "1",
                               "--cache-policy", policy)
        assert code == 0 and len(out.splitlines()) == 2
    code, out, err = run_cli("generate", "structured", "-s", schema, "--cache-policy", "sometimes")
    assert code == 2 and out == b"" and len(err.strip().splitlines()) == 1
    assert err.startswith("error: ") and "'sometimes' is not one of" in err and "aggressive" in err


def test_the_sdk_takes_a_cache_policy_per_run_and_checks_it(container: Container) -> None:
    synth = AgenticSynth(container=container)
    assert synth.request("structured", schema={"name": "name"}, cache_policy="aggressive").cache_policy.value == (
        "aggressive")
    with pytest.raises(UsageError, match="cache_policy: 'often' is not one of"):
        synth.generate("structured", schema={"name": "name"}, count=1, cache_policy="often")


def test_the_sdk_shows_clears_and_invalidates_the_cache(container: Container) -> None:
    synth = AgenticSynth(container=container)
    fill(container, ask(0, "m1"), ask(1, "m1"), ask(2, "m2"), ask(3, "m2", purpose="plan"))
    assert synth.cache.stats().size == 8
    assert synth.cache.invalidate(ask(0, "m1")) == 2
    assert synth.cache.invalidate(model="m2", purpose="plan") == 2
    assert synth.cache.invalidate(exact_key(ask(1, "m1"))) == 1
    assert synth.cache.invalidate(model="m2") == 2
    remaining = {entry["model"] for _, entry in container.response_cache().items()}
    assert remaining == {"m1"} and synth.cache.stats().size == 1
    synth.cache.clear()
    assert synth.cache.stats().size == 0 and synth.cache.path() == Path(os.environ["AGENTIC_SYNTH_CACHE_DIR"])


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "give a key or request, or filters"),
    (("k",), {"model": "m"}, "give a key or request, or filters"),
    ((), {"colour": "red"}, "unknown filter 'colour'"),
])
def test_invalidate_needs_exactly_one_way_of_choosing(container: Container, args: tuple[str, ...],
                                                       kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        AgenticSynth(container=container).cache.invalidate(*args, **kwargs)


def test_the_sdk_example_in_the_cache_docs_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "cache.md").read_text(encoding="utf-8")
    block = text.split("## SDK\n\n```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/cache.md", "exec"), {})
    assert capsys.readouterr().out.strip() == "0 0.0"


def test_the_run_summary_shows_cache_hits_misses_and_calls_saved() -> None:
    meta = RunMetadata(kind="structured", mode="llm", seed=1, requested=10, records=10, cache_hits=3, cache_misses=1)
    assert summary(meta).endswith("; cache: 3 hits, 1 misses, 3 calls saved")
    assert "cache" not in summary(RunMetadata(kind="structured", mode="engine", seed=1, requested=10))
