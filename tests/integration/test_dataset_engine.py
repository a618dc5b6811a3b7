"""The dataset engine: keys and references by construction, cardinalities that fit, `after` and sums true."""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import pytest

from agentic_synth import AgenticSynth
from tests.dataset_helpers import check_shop, fits, shop, truncated_poisson


@pytest.fixture
def synth() -> AgenticSynth:
    return AgenticSynth(config={})


def test_every_reference_resolves_and_every_key_is_unique(synth: AgenticSynth) -> None:
    result = synth.generate_dataset(shop(500))
    check_shop(result.tables)
    assert result.metadata.tables["users"].rows == 500
    assert result.metadata.rows == sum(len(rows) for rows in result.tables.values())


def test_poisson_children_per_parent_fit_the_truncated_poisson() -> None:
    dataset = {"seed": 3, "tables": {
        "users": {"count": 20000, "schema": {"id": "integer"}},
        "orders": {"schema": {"id": "integer", "user_id": {"ref": "users.id", "per_parent": {
            "distribution": "poisson", "mean": 4, "min": 1, "max": 9}}}}}}
    result = AgenticSynth(config={}).generate_dataset(dataset)
    per_user = collections.Counter(o["user_id"] for o in result.tables["orders"])
    histogram = collections.Counter(per_user.get(u["id"], 0) for u in result.tables["users"])
    assert min(histogram) >= 1 and max(histogram) <= 9  # truncated: never outside the bounds
    stat, limit = fits(histogram, truncated_poisson(4, 1, 9))
    assert stat < limit, (stat, limit, sorted(histogram.items()))


def test_uniform_children_per_parent_fit_the_range_and_fixed_is_exact() -> None:
    dataset = {"seed": 5, "tables": {
        "a": {"count": 12000, "schema": {"id": "integer"}},
        "b": {"schema": {"id": "integer", "a_id": {"ref": "a.id", "per_parent": [2, 6]}}},
        "c": {"schema": {"id": "integer", "a_id": {"ref": "a.id", "per_parent": 3}}}}}
    tables = AgenticSynth(config={}).generate_dataset(dataset).tables
    per_a = collections.Counter(r["a_id"] for r in tables["b"])
    histogram = collections.Counter(per_a.values())
    stat, limit = fits(histogram, {k: 1 / 5 for k in range(2, 7)})
    assert set(histogram) == {2, 3, 4, 5, 6} and stat < limit
    assert set(collections.Counter(r["a_id"] for r in tables["c"]).values()) == {3}
    assert len(tables["c"]) == 36000


def test_a_nullable_driving_reference_adds_rows_without_a_parent_in_its_share() -> None:
    dataset = {"seed": 9, "tables": {
        "users": {"count": 4000, "schema": {"id": "integer", "signup": "datetime"}},
        "orders": {"schema": {"id": "integer", "user_id": {"ref": "users.id", "null_rate": 0.2,
                                                            "per_parent": [0, 4]},
                              "at": {"type": "datetime", "after": "users.signup"}}}}}
    orders = AgenticSynth(config={}).generate_dataset(dataset).tables["orders"]
    guests = sum(o["user_id"] is None for o in orders)
    assert abs(guests / len(orders) - 0.2) < 0.002
    assert all(o["at"] is not None for o in orders)


def test_a_self_reference_points_only_at_earlier_rows_so_there_is_no_cycle(synth: AgenticSynth) -> None:
    dataset = {"seed": 1, "tables": {"staff": {"count": 5000, "schema": {
        "id": {"type": "uuid"}, "manager": {"ref": "staff.id", "null_rate": 0.05}}}}}
    staff = synth.generate_dataset(dataset).tables["staff"]
    position = {s["id"]: i for i, s in enumerate(staff)}
    assert staff[0]["manager"] is None
    roots = sum(s["manager"] is None for s in staff)
    assert 0.03 < roots / len(staff) < 0.07
    for i, s in enumerate(staff):  # following managers always reaches a root
        assert s["manager"] is None or position[s["manager"]] < i


def test_a_link_table_without_per_parent_never_repeats_a_pair(synth: AgenticSynth) -> None:
    dataset = {"seed": 2, "tables": {
        "a": {"count": 30, "schema": {"id": "integer"}}, "b": {"count": 20, "schema": {"id": "integer"}},
        "ab": {"count": 600, "primary_key": ["a_id", "b_id"],
               "schema": {"a_id": {"ref": "a.id"}, "b_id": {"ref": "b.id"}}}}}
    pairs = [(r["a_id"], r["b_id"]) for r in synth.generate_dataset(dataset).tables["ab"]]
    assert len(set(pairs)) == 600  # every possible pair, each once


def test_a_one_to_one_reference_gives_each_parent_at_most_one_child(synth: AgenticSynth) -> None:
    dataset = {"seed": 4, "tables": {
        "users": {"count": 1000, "schema": {"id": "integer"}},
        "profiles": {"count": 1000, "primary_key": "user_id", "schema": {"user_id": {"ref": "users.id"},
                                                                           "bio": "sentence"}}}}
    profiles = synth.generate_dataset(dataset).tables["profiles"]
    assert sorted(p["user_id"] for p in profiles) == list(range(1, 1001))


def test_the_same_dataset_and_seed_give_the_same_bytes(tmp_path: Path, synth: AgenticSynth) -> None:
    digests = []
    for run in ("a", "b"):
        synth.generate_dataset(shop(2000), output=tmp_path / run, format="csv")
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / run).iterdir()})
    assert digests[0] == digests[1]
    assert len(digests[0]) == 6
    other = synth.generate_dataset(shop(2000), seed=12).tables
    assert other["users"] != synth.generate_dataset(shop(2000)).tables["users"]


def test_a_table_large_enough_for_many_blocks_keeps_its_sums_and_after(synth: AgenticSynth) -> None:
    result = synth.generate_dataset(shop(6000))  # orders span several blocks of order_items
    assert len(result.tables["order_items"]) > 3 * 8192
    check_shop(result.tables)
