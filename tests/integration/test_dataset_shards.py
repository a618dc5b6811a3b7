"""Shards of a dataset: shards 0..N-1 joined table by table are the single run, and every key holds in the join."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentic_synth import AgenticSynth
from agentic_synth.adapters.dataset_file import load_dataset
from agentic_synth.adapters.datasets.generator import DatasetEngine
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.shards import Shard
from tests.dataset_helpers import check_shop, shop
from tests.integration.test_dataset_fuzz import datasets

USERS = 9000  # two blocks of users; orders, items and tags in several blocks each
FILE_USERS = 3000  # one block of users cut by every shard edge; orders and items in several blocks


@pytest.fixture(scope="module")
def synth() -> AgenticSynth:
    return AgenticSynth(config={})


@pytest.fixture(scope="module")
def single(synth: AgenticSynth) -> dict[str, list[dict[str, Any]]]:
    return synth.generate_dataset(shop(USERS)).tables


def _joined(parts: list[dict[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [row for part in parts for row in part[name]] for name in parts[0]}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_shards_joined_are_the_single_run_row_for_row_and_every_key_holds(
        synth: AgenticSynth, single: dict[str, list[dict[str, Any]]], n: int) -> None:
    parts = [synth.generate_dataset(shop(USERS), shard=(i, n)).tables for i in range(n)]
    joined = _joined(parts)
    assert joined == single
    check_shop(joined)  # every reference of every shard resolves to a row some shard made; after, sums
    for part in parts:  # balanced: each shard holds about 1/n of every table made per parent
        for name in ("users", "orders", "order_items", "order_tags"):
            assert abs(len(part[name]) - len(single[name]) / n) < 0.05 * len(single[name])
    per_user = collections.Counter(o["user_id"] for o in joined["orders"])
    assert max(per_user.values()) <= 15
    per_order = collections.Counter(i["order_id"] for i in joined["order_items"])
    assert set(per_order) == {o["id"] for o in joined["orders"]} and set(per_order.values()) <= {1, 2, 3, 4, 5}
    tags = collections.Counter(t["order_id"] for t in joined["order_tags"])
    assert max(tags.values()) <= 3


def test_a_shard_s_children_point_only_at_parents_of_the_same_shard(synth: AgenticSynth) -> None:
    parts = [synth.generate_dataset(shop(USERS), shard=(i, 3)).tables for i in range(3)]
    for part in parts:
        users = {u["id"] for u in part["users"]}
        orders = {o["id"] for o in part["orders"]}
        assert {o["user_id"] for o in part["orders"]} <= users
        assert {i["order_id"] for i in part["order_items"]} <= orders


def _tree(seed: int = 4) -> dict[str, Any]:
    """uuid keys (kept as Arrow arrays), a self-reference, a nullable driving reference, after across tables."""
    return {"seed": seed, "tables": {
        "staff": {"count": 20000, "schema": {
            "id": "uuid", "hired": {"type": "date", "min": "2020-01-01", "max": "2024-12-31"},
            "manager": {"ref": "staff.id", "null_rate": 0.01}}},
        "tickets": {"schema": {
            "id": {"type": "string", "pattern": "T-[0-9]{8}", "unique": True},
            "owner": {"ref": "staff.id", "null_rate": 0.25, "per_parent": [0, 3]},
            "opened": {"type": "date", "after": "staff.hired"}}},
        "notes": {"schema": {"ticket": {"ref": "tickets.id", "per_parent": {"distribution": "poisson", "mean": 2}},
                             "at": {"type": "date", "after": "tickets.opened"}}}}}


def test_uuid_keys_a_self_reference_and_rows_without_a_parent_join_to_the_single_run(synth: AgenticSynth) -> None:
    whole = synth.generate_dataset(_tree()).tables
    parts = [synth.generate_dataset(_tree(), shard=f"{i}/3").tables for i in range(3)]
    assert _joined(parts) == whole
    guests = [t for t in whole["tickets"] if t["owner"] is None]
    assert guests and all(t["owner"] is None for t in whole["tickets"][-len(guests):])  # last: in the last shard
    assert all(t["owner"] is None for t in parts[2]["tickets"][-len(guests):])
    staff = {s["id"]: s for s in whole["staff"]}
    position = {s["id"]: i for i, s in enumerate(whole["staff"])}
    for i, s in enumerate(whole["staff"]):
        assert s["manager"] is None or position[s["manager"]] < i
    for t in whole["tickets"]:
        assert t["owner"] is None or t["opened"] > staff[t["owner"]]["hired"]
    tickets = {t["id"]: t for t in whole["tickets"]}
    assert len(tickets) == len(whole["tickets"])
    assert all(n["at"] > tickets[n["ticket"]]["opened"] for n in whole["notes"])


@pytest.mark.parametrize(("fmt", "n"), [("jsonl", 3), ("csv", 2), ("parquet", 2)])
def test_shard_files_joined_end_to_end_are_the_single_run_s_files(run_cli: Any, tmp_path: Path, fmt: str,
                                                                  n: int) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(shop(FILE_USERS)), encoding="utf-8")
    code, _, stderr = run_cli("generate", "dataset", "-s", str(spec), "-o", str(tmp_path / "all"), "-f", fmt)
    assert code == 0, stderr
    for i in range(n):
        code, _, stderr = run_cli("generate", "dataset", "-s", str(spec), "-o", str(tmp_path / f"s{i}"), "-f", fmt,
                                  "--shard", f"{i}/{n}", "--report", str(tmp_path / f"s{i}.json"))
        assert code == 0, stderr
        assert f"shard {i}/{n}: wrote" in stderr
        assert json.loads((tmp_path / f"s{i}.json").read_text())["shard"] == f"{i}/{n}"
    for name in shop()["tables"]:
        if fmt == "parquet":  # the same rows and values (and types), not the same bytes
            import pyarrow as pa
            import pyarrow.parquet as pq

            shards = pa.concat_tables([pq.read_table(tmp_path / f"s{i}" / f"{name}.{fmt}") for i in range(n)])
            assert shards.equals(pq.read_table(tmp_path / "all" / f"{name}.{fmt}")), name
            continue
        whole = (tmp_path / "all" / f"{name}.{fmt}").read_bytes()
        assert b"".join((tmp_path / f"s{i}" / f"{name}.{fmt}").read_bytes() for i in range(n)) == whole, name
    code, stdout, _ = run_cli("validate", "-s", str(spec), str(tmp_path / "s0"))
    assert code == 1  # a shard alone points at other shards' rows: not a whole dataset
    assert b"has no match in products.sku" in stdout


def test_a_shard_needs_a_seed_and_a_directory(synth: AgenticSynth, tmp_path: Path) -> None:
    unseeded = {k: v for k, v in shop(10).items() if k != "seed"}
    with pytest.raises(UsageError, match="--shard needs a seed"):
        synth.generate_dataset(unseeded, shard=(0, 2))
    assert synth.generate_dataset(unseeded, shard=(0, 2), seed=3).metadata.shard == "0/2"
    with pytest.raises(UsageError, match="--shard writes a directory"):
        synth.generate_dataset(shop(10), shard=(1, 2), output=f"sqlite:///{tmp_path / 'x.db'}")
    assert not (tmp_path / "x.db").exists()
    with pytest.raises(UsageError, match="shard 2/2"):
        synth.generate_dataset(shop(10), shard="2/2")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.integers(0, 2**32), st.integers(2, 7))
def test_any_shape_of_dataset_in_any_number_of_shards_joins_to_the_single_run(payload: dict[str, Any], seed: int,
                                                                              n: int) -> None:
    synth = AgenticSynth(config={})
    try:
        whole = synth.generate_dataset(payload, seed=seed).tables
    except UsageError:
        return  # no room for the keys: refused up front, as the fuzz test of datasets checks
    parts = [synth.generate_dataset(payload, seed=seed, shard=(i, n)).tables for i in range(n)]
    assert {name: [r for p in parts for r in p.get(name, [])] for name in whole} == whole


def _run(engine: DatasetEngine) -> None:
    for _, _, chunks in engine.tables():
        for _ in chunks:
            pass


def test_a_shard_makes_again_only_the_parent_blocks_its_rows_point_at() -> None:
    dataset = load_dataset(_tree())
    engine = DatasetEngine(dataset, 4, "en_US", shard=Shard(2, 3))
    _run(engine)
    # staff refers to itself (uuid keys): the last shard makes the staff blocks before its own again
    assert 8192 <= engine.remade["staff"] <= 20000
    # tickets point only at their own staff, notes only at their own tickets: at most the blocks cut at the edge
    assert engine.remade.get("tickets", 0) <= 8192
    integer_keys = load_dataset(shop(USERS))
    engine = DatasetEngine(integer_keys, 11, "en_US", shard=Shard(1, 3))
    _run(engine)
    assert "users" not in engine.remade  # integer keys are the row number plus the first: never made again
    assert engine.remade.get("orders", 0) == 0 and set(engine.remade) <= {"products", "tags"}
