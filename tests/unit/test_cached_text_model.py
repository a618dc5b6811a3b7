"""CachedTextModel: hits are free and identical, policies read and write as documented."""

from __future__ import annotations

import pytest

from agentic_synth.adapters.cache.memory import InMemoryResponseCache
from agentic_synth.application.text_models.cached import CachedTextModel, CacheTally
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import CachePolicy, CacheScope, exact_key
from agentic_synth.domain.errors import ConfigError
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.entrypoints.container import build_container
from tests.containers import swap_providers
from tests.fakes import FakeClock, FakeTextModel


def scope(**kw: object) -> CacheScope:
    base: dict[str, object] = dict(template_version="v1", schema={"name": "name"}, seed=1, batch_size=50, count=100)
    base.update(kw)
    return CacheScope(**base)  # type: ignore[arg-type]


def ask(**kw: object) -> ModelRequest:
    count = kw.pop("count", 100)
    batch = kw.pop("batch", 0)
    return ModelRequest(prompt=f"Return 50 records (batch {batch} of a run of {count}).", model="m", provider="fake",
                        cache_scope=scope(count=count, batch_index=batch), **kw)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def inner() -> FakeTextModel:
    return FakeTextModel.for_cache()


@pytest.fixture
def cache(clock: FakeClock) -> InMemoryResponseCache:
    return InMemoryResponseCache(clock=clock, default_ttl=60.0)


def wrap(inner: FakeTextModel, cache: InMemoryResponseCache, clock: FakeClock,
         policy: CachePolicy = CachePolicy.DEFAULT) -> CachedTextModel:
    return CachedTextModel(inner, cache, clock=clock, policy=policy)


def test_a_repeated_request_is_answered_from_the_cache_for_free(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    first = model.complete(ask())
    second = model.complete(ask())
    assert len(inner.requests) == 1
    assert (first.cached, first.cost_usd) == (False, 0.25)
    assert (second.cached, second.cost_usd, second.latency_s) == (True, 0.0, 0.0)
    assert (second.text, second.model, second.provider, second.tokens_in, second.tokens_out) == (
        first.text, first.model, first.provider, first.tokens_in, first.tokens_out)
    assert model.tally() == CacheTally(hits=1, misses=1, writes=1, tokens_in_saved=11, tokens_out_saved=7,
                                       usd_saved=0.25)


def test_policy_none_neither_reads_nor_writes(inner, cache, clock) -> None:
    wrap(inner, cache, clock).complete(ask())
    model = wrap(inner, cache, clock, CachePolicy.NONE)
    model.complete(ask())
    model.complete(ask(count=7))
    assert len(inner.requests) == 3
    assert cache.stats().size == 2  # only the first, default-policy call wrote (exact and loose keys)
    assert model.tally() == CacheTally()


def test_a_request_can_set_its_own_policy(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    model.complete(ask())
    model.complete(ask(cache_policy="none"))
    assert len(inner.requests) == 2


def test_default_entries_expire_with_the_ttl_but_aggressive_ones_do_not(inner, cache, clock) -> None:
    default, aggressive = wrap(inner, cache, clock), wrap(inner, cache, clock, CachePolicy.AGGRESSIVE)
    default.complete(ask(batch=0))
    aggressive.complete(ask(batch=1))
    clock.advance(61)
    default.complete(ask(batch=0))
    default.complete(ask(batch=1))
    assert [r.cache_scope.batch_index for r in inner.requests] == [0, 1, 0]  # type: ignore[union-attr]


def test_aggressive_reuses_batch_replies_across_different_counts(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock, CachePolicy.AGGRESSIVE)
    run_100 = [model.complete(ask(count=100, batch=b)).text for b in range(2)]
    run_200 = [model.complete(ask(count=200, batch=b)).text for b in range(4)]
    assert run_200[:2] == run_100
    assert len(inner.requests) == 4  # batches 2 and 3 of the larger run only


def test_default_does_not_reuse_replies_across_counts(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    model.complete(ask(count=100))
    model.complete(ask(count=200))
    assert len(inner.requests) == 2


def test_an_aggressive_run_reuses_what_a_default_run_paid_for(inner, cache, clock) -> None:
    wrap(inner, cache, clock).complete(ask(count=100))
    again = wrap(inner, cache, clock, CachePolicy.AGGRESSIVE).complete(ask(count=300))
    assert again.cached and len(inner.requests) == 1


def test_plans_and_records_of_one_request_are_cached_apart(cache, clock) -> None:
    texts = iter(['{"plan": 1}', "reply-2"])
    inner = FakeTextModel.for_cache(default=lambda request: next(texts))
    model = wrap(inner, cache, clock)
    plan = model.complete(ask(purpose="plan"))
    records = model.complete(ask(purpose="records"))
    assert plan.text != records.text
    assert model.complete(ask(purpose="plan")).text == plan.text and len(inner.requests) == 2


@pytest.mark.parametrize(("finish", "purpose"), [("length", "plan"), ("MAX_TOKENS", "plan"),
                                                 ("content_filter", "records"), ("SAFETY", "records"),
                                                 ("content_filter", "plan")])
def test_refused_replies_and_truncated_plans_are_not_stored(cache, clock, finish: str, purpose: str) -> None:
    inner = FakeTextModel.for_cache(finish_reason=finish)
    model = wrap(inner, cache, clock)
    model.complete(ask(purpose=purpose))
    model.complete(ask(purpose=purpose))
    assert len(inner.requests) == 2 and cache.stats().size == 0


@pytest.mark.parametrize(("finish", "text"), [("length", '[{"a": 1}, {"a"'), ("MAX_TOKENS", '[{"a": 1}'),
                                              ("stop", "")])
@pytest.mark.parametrize("purpose", ["records", "text"])
def test_a_cut_or_empty_records_reply_is_stored_as_it_was_used(cache, clock, finish: str, text: str,
                                                                purpose: str) -> None:
    inner = FakeTextModel.for_cache(finish_reason=finish, default=text)
    model = wrap(inner, cache, clock)
    first = model.complete(ask(purpose=purpose))
    again = model.complete(ask(purpose=purpose))
    assert len(inner.requests) == 1 and again.cached and (again.text, again.finish_reason) == (first.text, finish)


@pytest.mark.parametrize("reply", ["Sorry, I cannot help with that.", '{"fields": {"age": {"min"', "[1, 2]"])
def test_a_plan_reply_that_is_not_a_json_object_is_not_stored(cache, clock, reply: str) -> None:
    inner = FakeTextModel.for_cache(default=reply)
    model = wrap(inner, cache, clock, CachePolicy.AGGRESSIVE)
    model.complete(ask(purpose="plan"))
    model.complete(ask(purpose="plan"))
    assert len(inner.requests) == 2 and cache.stats().size == 0


def test_what_is_stored_is_the_reply_and_its_usage_never_a_key_or_a_secret(inner, cache, clock) -> None:
    request = ask()
    wrap(inner, cache, clock).complete(request)
    entry = cache.get(exact_key(request))
    assert set(entry) == {"format", "text", "model", "provider", "tokens_in", "tokens_out", "finish_reason",
                          "cost_usd", "purpose", "kind", "created"}
    assert exact_key(request) not in str(entry) and inner.api_key not in str(list(cache.items()))


def test_an_entry_the_cache_did_not_write_is_a_miss_and_is_dropped(inner, cache, clock) -> None:
    request = ask()
    cache.set(exact_key(request), {"text": 42})
    assert wrap(inner, cache, clock).complete(request).cached is False
    assert cache.get(exact_key(request))["text"] == "reply-1"


def test_a_streamed_reply_is_stored_once_whole_and_replayed_as_one_cached_delta(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    first = list(model.stream(ask()))
    assert len(first) == 3 and not any(d.cached for d in first)
    replay = list(model.stream(ask()))
    assert len(replay) == 1 and replay[0].cached and replay[0].done
    assert replay[0].text == "".join(d.text for d in first) and (replay[0].tokens_in, replay[0].tokens_out) == (11, 7)
    assert model.complete(ask()).text == replay[0].text and len(inner.requests) == 1


def test_a_stream_abandoned_midway_is_not_stored(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    stream = model.stream(ask())
    next(stream)
    stream.close()
    assert cache.stats().size == 0


def test_forget_drops_a_stored_reply(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    model.complete(ask())
    assert model.forget(ask()) == 2
    model.complete(ask())
    assert len(inner.requests) == 2


def test_a_runs_tally_goes_into_its_metadata(inner, cache, clock) -> None:
    model = wrap(inner, cache, clock)
    model.complete(ask())
    before = model.tally()
    for _ in range(3):
        model.complete(ask())
    model.complete(ask(batch=5))
    meta = RunMetadata(kind="structured", mode="llm", seed=1, requested=10)
    (model.tally() - before).add_to(meta)
    assert (meta.cache_hits, meta.cache_misses) == (3, 1)


def _cache_layer(container, inner) -> CachedTextModel:
    """The cache layer a run's model stack puts over its (only) provider, which calls `inner`."""
    swap_providers(container, inner)
    (layer,) = container.model_stack().caches
    return layer


def test_the_container_wraps_a_model_with_the_configured_cache_and_policy(inner) -> None:
    container = build_container(load_plugins=False, apiKeys={"gemini": "k"},
                                cache={"persistPath": "", "policy": "aggressive", "ttl": 0})
    model = _cache_layer(container, inner)
    assert model.policy is CachePolicy.AGGRESSIVE and model.cache is container.response_cache()
    assert model.cache.stats().backend == "memory" and model.cache.stats().default_ttl is None
    model.complete(ask())
    assert _cache_layer(container, inner).complete(ask()).cached  # the next run's stack: the same cache


def test_caching_can_be_switched_off_in_the_configuration(inner) -> None:
    container = build_container(load_plugins=False, apiKeys={"gemini": "k"}, cache={"enabled": False})
    model = _cache_layer(container, inner)
    model.complete(ask())
    model.complete(ask())
    assert len(inner.requests) == 2 and model.cache.stats().backend == "none"


def test_a_bad_cache_setting_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"cache\.maxSize: must be greater than 0, got -1"):
        build_container(load_plugins=False, cache={"maxSize": -1})
    with pytest.raises(ConfigError, match=r"cache\.policy: 'sometimes' is not one of none, default, aggressive"):
        build_container(load_plugins=False, cache={"policy": "sometimes"})
