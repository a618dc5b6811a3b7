"""Cache keys: canonical (key order does not matter), complete (anything that could change the answer counts)."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.cache.keys import (
    AGGRESSIVE_DROPS,
    ANSWER_FIELDS,
    NON_KEY_FIELDS,
    CachePolicy,
    CacheScope,
    canonical_json,
    exact_key,
    loose_key,
)
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.schema.schema import Schema

SCHEMA = {"name": "name", "age": {"type": "integer", "min": 18, "max": 90}, "plan": {"enum": ["free", "pro"]}}
SCHEMA_REORDERED = {"plan": {"enum": ["free", "pro"]}, "age": {"max": 90, "type": "integer", "min": 18},
                    "name": "name"}


def scope(**changes: object) -> CacheScope:
    base: dict[str, object] = dict(template_version="records-v1", schema=Schema.from_payload(SCHEMA),
                                   prompt="customers of a bike shop", examples=[{"name": "Ann", "age": 30}],
                                   params={"locale": "en_US", "null_rate": 0.1}, seed=7, batch_index=0,
                                   batch_size=50, count=100)
    base.update(changes)
    return CacheScope(**base)  # type: ignore[arg-type]


def request(**changes: object) -> ModelRequest:
    base: dict[str, object] = dict(prompt="Return 50 records as JSON.", model="gpt-4o-mini", provider="openai",
                                   system="You write JSON.", json_schema={"type": "array", "items": {"type": "object"}},
                                   seed=7, cache_scope=scope())
    base.update(changes)
    return ModelRequest(**base)  # type: ignore[arg-type]


def test_two_requests_differing_only_in_json_key_order_share_a_key() -> None:
    first = request(cache_scope=scope(schema=Schema.from_payload(SCHEMA), params={"a": 1, "b": {"x": 1, "y": 2}}),
                    json_schema={"type": "array", "items": {"type": "object", "required": ["a"]}})
    second = request(cache_scope=scope(schema=Schema.from_payload(SCHEMA_REORDERED),
                                       params={"b": {"y": 2, "x": 1}, "a": 1}),
                     json_schema={"items": {"required": ["a"], "type": "object"}, "type": "array"})
    assert exact_key(first) == exact_key(second)
    assert loose_key(first) == loose_key(second)


def test_a_schema_given_as_a_mapping_or_a_schema_object_keys_alike() -> None:
    parsed = Schema.from_payload(SCHEMA)
    assert scope(schema=parsed) == scope(schema=parsed.to_payload())


def test_evolving_a_scope_keeps_the_fields_it_does_not_change() -> None:
    evolved = attrs.evolve(scope(), batch_index=1)
    assert attrs.evolve(evolved, batch_index=0) == scope()
    assert exact_key(request(cache_scope=attrs.evolve(evolved, batch_index=0))) == exact_key(request())


@pytest.mark.parametrize(("field", "value"), [
    ("provider", "openrouter"), ("model", "gpt-4o"), ("system", "You write CSV."), ("prompt", "Return 49 records."),
    ("json_schema", {"type": "object"}), ("json_output", False), ("temperature", 0.2), ("max_output_tokens", 100),
    ("seed", 8), ("kind", "events"), ("purpose", "plan"),
])
def test_any_request_field_that_could_change_the_answer_changes_the_key(field: str, value: object) -> None:
    assert exact_key(request(**{field: value})) != exact_key(request())


@pytest.mark.parametrize(("field", "value"), [
    ("template_version", "records-v2"), ("schema", {**SCHEMA, "age": {"type": "integer", "min": 18, "max": 91}}),
    ("prompt", "customers of a bakery"), ("examples", [{"name": "Bo", "age": 30}]), ("params", {"locale": "de_DE"}),
    ("seed", 8), ("batch_index", 1), ("batch_size", 49), ("count", 200), ("attempt", 1), ("extra", {"hint": 1}),
])
def test_any_scope_field_that_could_change_the_answer_changes_the_key(field: str, value: object) -> None:
    assert exact_key(request(cache_scope=scope(**{field: value}))) != exact_key(request())


def test_every_model_request_field_is_either_keyed_or_explicitly_left_out() -> None:
    names = {f.name for f in attrs.fields(ModelRequest)}
    assert names == set(ANSWER_FIELDS) | set(NON_KEY_FIELDS) | {"cache_scope"}
    assert not set(ANSWER_FIELDS) & set(NON_KEY_FIELDS)


def test_the_policy_of_a_call_is_not_part_of_its_key() -> None:
    assert exact_key(request(cache_policy="aggressive")) == exact_key(request(cache_policy="none"))


def test_the_loose_key_ignores_the_total_count_and_the_rendered_prompt_only() -> None:
    assert AGGRESSIVE_DROPS == ("prompt", "system", "scope.count")
    base = request()
    other_count = request(prompt="Return 50 of 200 records.", cache_scope=scope(count=200))
    assert exact_key(base) != exact_key(other_count)
    assert loose_key(base) == loose_key(other_count)
    for changed in (request(cache_scope=scope(batch_index=1)), request(cache_scope=scope(batch_size=20)),
                    request(model="gpt-4o"), request(purpose="plan"), request(cache_scope=scope(seed=9))):
        assert loose_key(changed) != loose_key(base)


def test_a_request_with_a_plain_text_scope_has_no_loose_key_and_its_text_counts() -> None:
    plain = request(cache_scope="run-1")
    assert loose_key(plain) is None
    assert exact_key(plain) != exact_key(request(cache_scope="run-2"))


def test_hybrid_plans_and_records_of_the_same_request_are_kept_apart() -> None:
    assert exact_key(request(purpose="plan")) != exact_key(request(purpose="records"))
    assert loose_key(request(purpose="plan")) != loose_key(request(purpose="records"))


def test_canonical_json_spells_equal_values_one_way() -> None:
    assert canonical_json({"b": (1, 2.0), "a": {"d": 1, "c": None}}) == '{"a":{"c":null,"d":1},"b":[1,2]}'
    assert canonical_json({"x": 0.5}) != canonical_json({"x": 0.50001})
    with pytest.raises(ValueError, match="non-finite"):
        canonical_json({"x": float("nan")})


json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)


def _reversed_order(value: object) -> object:
    if isinstance(value, dict):
        return {k: _reversed_order(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_order(v) for v in value]
    return value


@given(json_value)
def test_canonical_json_does_not_depend_on_key_order(value: object) -> None:
    assert canonical_json(_reversed_order(value)) == canonical_json(value)


@pytest.mark.parametrize(("text", "policy"), [("none", CachePolicy.NONE), ("Default", CachePolicy.DEFAULT),
                                              (" aggressive ", CachePolicy.AGGRESSIVE), (None, CachePolicy.DEFAULT)])
def test_cache_policies_parse_from_their_names(text: str | None, policy: CachePolicy) -> None:
    assert CachePolicy.parse(text) is policy


def test_an_unknown_cache_policy_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError, match=r"cache\.policy: 'sometimes' is not one of none, default, aggressive"):
        CachePolicy.parse("sometimes", "cache.policy")
    with pytest.raises(UsageError):
        ModelRequest(prompt="x", cache_policy="sometimes")


def test_the_policies_read_write_and_honour_ttl_as_documented() -> None:
    table = {p: (p.reads, p.writes, p.honours_ttl) for p in CachePolicy}
    assert table == {CachePolicy.NONE: (False, False, False), CachePolicy.DEFAULT: (True, True, True),
                     CachePolicy.AGGRESSIVE: (True, True, False)}
