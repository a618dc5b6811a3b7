"""Dataset files: parents ordered first, references typed from their targets, and one error line naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from agentic_synth.domain.dataset.resolve import parse_dataset
from agentic_synth.domain.errors import UsageError
from tests.dataset_helpers import shop


def _tables(**tables: Any) -> dict[str, Any]:
    return {"tables": tables}


def test_tables_are_ordered_parents_first_and_references_take_their_targets_type() -> None:
    dataset = parse_dataset(shop(), source="shop.yaml")
    order = dataset.names
    assert order.index("users") < order.index("orders") < order.index("order_items")
    assert order.index("products") < order.index("order_items") and order.index("tags") < order.index("order_tags")
    items = dataset.table("order_items")
    assert items.column("sku").field.type == "string" and items.column("order_id").field.type == "integer"
    assert items.driver is not None and items.driver.name == "order_id"
    orders = dataset.table("orders")
    assert orders.column("total").field.type == "amount" and orders.column("total").field.precision == 2
    assert orders.column("created_at").follows is not None
    assert dataset.table("users").column("id").sequence
    assert dataset.table("products").column("sku").field.unique  # a key that is not a number is unique


@pytest.mark.parametrize(("payload", "message"), [
    ({"tables": []}, "shop.yaml: tables: must be a mapping of table names to tables, got a list"),
    ({"tabels": {}}, r"shop.yaml: tabels: unknown key \(did you mean 'tables'\?\); known: seed, locale, tables"),
    (_tables(users={"schema": {"id": "integer"}}), "shop.yaml: tables.users.count: is required"),
    (_tables(users={"count": -1, "schema": {"id": "integer"}}),
     "shop.yaml: tables.users.count: must be a whole number >= 0, got -1"),
    (_tables(users={"count": 1, "schema": {"id": "integer", "age": {"type": "integer", "min": 9, "max": 1}}}),
     r"shop.yaml: tables.users.schema.age: min \(9\) is greater than max \(1\)"),
    (_tables(orders={"count": 1, "schema": {"id": "integer", "u": {"ref": "user.id"}}},
             users={"count": 1, "schema": {"id": "integer"}}),
     "shop.yaml: tables.orders.schema.u.ref: no table 'user' in this dataset \\(did you mean 'users'\\?\\)"),
    (_tables(users={"count": 1, "schema": {"id": "integer", "name": "name"}},
             orders={"count": 1, "schema": {"u": {"ref": "users.name"}}}),
     "shop.yaml: tables.orders.schema.u.ref: 'users.name' must be the primary key of 'users' or a unique column"),
    (_tables(users={"count": 1, "schema": {"id": "integer"}},
             orders={"count": 5, "schema": {"u": {"ref": "users.id", "per_parent": 2}}}),
     "shop.yaml: tables.orders.count: the table is made per parent of 'users'"),
    (_tables(users={"count": 1, "schema": {"id": "integer"}},
             orders={"schema": {"u": {"ref": "users.id", "per_parent": {"distribution": "zipf"}}}}),
     "shop.yaml: tables.orders.schema.u.per_parent.distribution: 'zipf' is not one of poisson, uniform, fixed"),
    (_tables(users={"count": 1, "schema": {"id": "integer"}},
             orders={"schema": {"u": {"ref": "users.id", "per_parent": {"mean": 0}}}}),
     "shop.yaml: tables.orders.schema.u.per_parent.mean: must be greater than 0"),
    (_tables(a={"count": 1, "schema": {"id": "integer", "b": {"ref": "b.id"}}},
             b={"count": 1, "schema": {"id": "integer", "a": {"ref": "a.id"}}}),
     r"shop.yaml: tables.a: references make a cycle \(a -> b -> a\)"),
    (_tables(users={"count": 1, "schema": {"id": "integer", "signup": "date"}},
             orders={"count": 1, "schema": {"u": {"ref": "users.id"}, "at": {"type": "datetime",
                                                                              "after": "users.signup"}}}),
     "shop.yaml: tables.orders.schema.at.after: needs 'users.signup' to be a datetime field like this one"),
    (_tables(orders={"count": 1, "schema": {"id": "integer", "total": {"sum": "items.amount"}}},
             items={"count": 3, "schema": {"o": {"ref": "orders.id"}, "amount": "amount"}}),
     "shop.yaml: tables.orders.schema.total.sum: 'items' must be made per parent of 'orders'"),
    (_tables(orders={"count": 1, "schema": {"id": "integer", "total": {"sum": "items.label"}}},
             items={"schema": {"o": {"ref": "orders.id", "per_parent": 2}, "label": "word"}}),
     "shop.yaml: tables.orders.schema.total.sum: 'items.label' must be a plain number"),
    (_tables(t={"count": 1, "primary_key": ["a", "b"], "schema": {"a": "integer", "b": "integer"}}),
     "shop.yaml: tables.t.primary_key: a primary key of several columns must be two references"),
    (_tables(t={"count": 1, "schema": {"id": {"type": "integer", "nullable": True}}}),
     "shop.yaml: tables.t.schema.id: a primary key cannot be null"),
])
def test_a_bad_dataset_is_one_error_naming_the_file_and_key(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=f"^{message}"):
        parse_dataset(payload, source="shop.yaml")
