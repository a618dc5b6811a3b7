"""Fuzzed datasets: any shape of tables and references gives data whose keys and references hold; any garbage
in a dataset file is one UsageError, never another exception."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentic_synth import AgenticSynth
from agentic_synth.adapters.dataset_file import load_dataset
from agentic_synth.domain.dataset.integrity import DatasetCheck
from agentic_synth.domain.dataset.resolve import parse_dataset
from agentic_synth.domain.errors import UsageError

KEY_TYPES = st.sampled_from([{"type": "integer"}, {"type": "uuid"}, {"type": "string", "pattern": "K[0-9]{9}"}])
CARDINALITIES = st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 2), st.integers(2, 5)).map(list),
                          st.builds(lambda m, hi: {"distribution": "poisson", "mean": m, "max": hi},
                                    st.floats(0.5, 4), st.integers(5, 9)))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 4))):
        name = f"t{i}"
        schema: dict[str, Any] = {"id": draw(KEY_TYPES), "at": {"type": "datetime"},
                                  "x": {"type": "amount", "min": 1, "max": 50}}
        table: dict[str, Any] = {"schema": schema}
        earlier = list(tables)
        if earlier and draw(st.booleans()):
            parent = draw(st.sampled_from(earlier))
            schema["p"] = {"ref": f"{parent}.id", "per_parent": draw(CARDINALITIES),
                           "null_rate": draw(st.sampled_from([0, 0, 0.2]))}
            schema["after_p"] = {"type": "datetime", "after": "p.at"}
            if draw(st.booleans()):
                tables[parent]["schema"][f"sum_{name}"] = {"sum": f"{name}.x"}
                tables[parent]["schema"][f"n_{name}"] = {"count": name}
        else:
            table["count"] = draw(st.integers(0, 60))
        for j, other in enumerate(earlier[:2]):
            if draw(st.booleans()):
                schema[f"r{j}"] = {"ref": f"{other}.id", "null_rate": draw(st.sampled_from([0, 0.3]))}
        if draw(st.booleans()):
            schema["boss"] = {"ref": f"{name}.id"}
        tables[name] = table
    if len(tables) >= 2 and draw(st.booleans()):
        a, b = draw(st.permutations(list(tables)))[:2]
        link: dict[str, Any] = {"primary_key": ["a_id", "b_id"],
                                "schema": {"a_id": {"ref": f"{a}.id"}, "b_id": {"ref": f"{b}.id"}}}
        if draw(st.booleans()):
            link["schema"]["a_id"]["per_parent"] = {"min": 0, "max": draw(st.integers(1, 3))}
        else:
            link["count"] = draw(st.integers(0, 30))
        tables["link"] = link
    return {"tables": tables}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.integers(0, 2**32))
def test_any_shape_of_dataset_gives_keys_references_after_and_sums_that_hold(payload: dict[str, Any],
                                                                            seed: int) -> None:
    try:
        dataset = load_dataset(payload)
        result = AgenticSynth(config={}).generate_dataset(dataset, seed=seed)
    except UsageError as exc:  # only the refusals that need the row counts to see: no room for keys
        assert any(w in str(exc) for w in ("has no rows", "distinct", "at most", "count:")), exc
        return
    check = DatasetCheck(dataset)
    for table in dataset.tables:
        check.feed(table, result.tables.get(table.name, []))
    assert check.finish() == []
    assert check.rows == {t.name: len(result.tables.get(t.name, [])) for t in dataset.tables}


JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 10) | st.floats(allow_nan=True) |
                    st.sampled_from(["users.id", "id", "integer", "poisson", "t.x", "", "a.b.c"]),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["ref", "per_parent", "count", "schema", "sum", "after", "min", "max",
                                         "mean", "distribution", "null_rate", "primary_key", "type", "id", "x"]),
                        inner, max_size=4), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["users", "orders", "t"]), JSON, max_size=3), JSON)
def test_garbage_in_a_dataset_file_is_one_usage_error(tables: dict[str, Any], seed: Any) -> None:
    for payload in ({"tables": tables}, {"tables": tables, "seed": seed}, seed):
        try:
            parse_dataset(payload, source="fuzz.yaml")
        except UsageError as exc:
            assert str(exc).startswith("fuzz.yaml: ") and "\n" not in str(exc)
