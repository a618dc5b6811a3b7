"""Unique fields are unique by construction: a bijection of the record index, across any split."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
import rstr
from hypothesis import given, settings
from hypothesis import strategies as st

from agentic_synth import AgenticSynth
from agentic_synth.adapters.engine.permutation import permute
from agentic_synth.adapters.engine.unique_slots import pattern_slots, stamp
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record

UNIQUE_TYPES = ["integer", "uuid", "email", "username", "name", "phone", "company", "url", "domain", "ipv4", "ipv6",
                "token", "iban", "amount", "latitude", "longitude", "color", "sentence", "string", "datetime", "time",
                "number", "postcode", "street", "address", "product_name"]


@pytest.fixture(scope="module")
def synth() -> AgenticSynth:
    return AgenticSynth()


@pytest.mark.parametrize("kind", UNIQUE_TYPES)
def test_every_unique_capable_type_has_no_repeat_across_shards_and_its_values_stay_valid(synth, kind) -> None:
    spec = {"type": kind, "unique": True}
    if kind == "integer":
        spec.update(min=0, max=10**9)
    schema = {"first_name": "first_name", "last_name": "last_name", "v": spec}
    count = 20_000  # three chunks
    whole = synth.generate("structured", schema=schema, count=count, seed=11).records
    parts = [synth.generate("structured", schema=schema, count=count, seed=11, shard=(i, 3)).records
             for i in range(3)]
    assert [r for p in parts for r in p] == whole
    values = [repr(r["v"]) for r in whole]
    assert len(set(values)) == count
    parsed = Schema.from_payload(schema)
    assert not [v for r in whole[:2000] for v in validate_record(r, parsed)]


def test_a_unique_email_keeps_the_records_own_names(synth) -> None:
    rows = synth.generate("structured", count=500, seed=3, schema={
        "first_name": "first_name", "last_name": "last_name", "email": {"type": "email", "unique": True}}).records
    folded = [re.sub(r"[^a-z]", "", r["last_name"].lower()) for r in rows]
    assert sum(f in r["email"] for f, r in zip(folded, rows, strict=True)) > 480


@pytest.mark.parametrize("pattern", [r"[A-Z]{3}-[0-9]{4}", r"ORD-\d{8}", r"user_[a-z]{1,9}-[0-9a-f]{6}",
                                     r"^[a-z]{2}\d{5}$"])
@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), key=st.integers(0, 2**32 - 1))
def test_stamped_pattern_values_are_distinct_and_still_match_the_pattern(pattern, seed, key) -> None:
    slots = pattern_slots(pattern, 2000, "f")
    maker = rstr.Rstr(random.Random(seed))
    base = [maker.xeger(pattern) for _ in range(2000)]
    values = stamp(base, slots, permute(np.arange(2000, dtype=np.uint64), slots.space, key))
    assert len(set(values)) == 2000
    assert all(re.fullmatch(pattern.strip("^$"), v) for v in values)


@pytest.mark.parametrize(("spec", "count", "message"), [
    ({"type": "string", "pattern": "[a-c]{2}"}, 10, "can make at most 9 distinct values"),
    ({"type": "string", "pattern": "x[ab]+"}, 10, "can make at most 2 distinct values"),
    ({"type": "username", "max_length": 4}, 100_000, "max_length 4 leaves no room"),
    ({"type": "token", "max_length": 3}, 5000, "at most 4,096 distinct values"),
    ({"type": "object", "fields": {"a": "integer"}}, 5, "not to an object or array"),
    ({"type": "datetime", "after": "start"}, 5, "cannot be combined with 'after'"),
])
def test_a_unique_field_that_cannot_hold_the_count_is_refused_before_any_output(synth, spec, count, message) -> None:
    schema = {"start": "datetime", "f": {**spec, "unique": True}}
    with pytest.raises(SchemaError, match=message):
        synth.generate("structured", schema=schema, count=count, seed=1)


def test_unique_array_items_are_distinct_across_records_and_chunks(synth) -> None:
    rows = synth.generate("structured", count=9000, seed=5, schema={
        "tags": {"type": "array", "items": {"type": "uuid", "unique": True}, "min_items": 1, "max_items": 3}}).records
    items = [t for r in rows for t in r["tags"]]
    assert len(items) >= 9000
    assert len(set(items)) == len(items)


def test_permute_is_a_bijection_of_the_index_range() -> None:
    for n in (1, 2, 7, 1000, 65537):
        out = permute(np.arange(n, dtype=np.uint64), n, 99)
        assert sorted(out.tolist()) == list(range(n))
