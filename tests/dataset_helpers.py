"""Datasets for the tests, and independent checks of what came out (keys, references, after, sums)."""

from __future__ import annotations

import collections
import math
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

Rows = list[dict[str, Any]]


def shop(users: int = 300, *, seed: int = 11) -> dict[str, Any]:
    """users -> orders (Poisson per user) -> order_items (1..5 per order), products, tags with a link table."""
    return {
        "seed": seed,
        "tables": {
            "users": {"count": users, "schema": {
                "id": "integer", "name": "name", "email": {"type": "email", "unique": True},
                "signup": {"type": "datetime", "min": "2024-01-01T00:00:00Z", "max": "2025-01-01T00:00:00Z"},
                "referrer_id": {"ref": "users.id", "null_rate": 0.3}, "vip": "boolean", "born": "date",
                "prefs": {"type": "object", "fields": {"lang": ["en", "de"],
                                                       "tags": {"type": "array", "items": "word"}}},
                "plan": {"enum": [1, 2, 3]}, "ref_code": "uuid"}},
            "products": {"count": 40, "schema": {"sku": {"type": "string", "pattern": "SKU-[0-9]{6}"},
                                                 "name": "product_name"}, "primary_key": "sku"},
            "orders": {"schema": {
                "id": "integer",
                "user_id": {"ref": "users.id", "per_parent": {"distribution": "poisson", "mean": 3, "max": 15}},
                "created_at": {"type": "datetime", "after": "users.signup"},
                "total": {"sum": "order_items.amount"}, "items": {"count": "order_items"}}},
            "order_items": {"schema": {
                "id": "integer", "order_id": {"ref": "orders.id", "per_parent": [1, 5]},
                "sku": {"ref": "products.sku"}, "amount": {"type": "amount", "min": 1, "max": 300}}},
            "tags": {"count": 12, "schema": {"id": "integer", "label": {"type": "word", "unique": True}}},
            "order_tags": {"primary_key": ["order_id", "tag_id"], "schema": {
                "order_id": {"ref": "orders.id", "per_parent": {"min": 0, "max": 3}},
                "tag_id": {"ref": "tags.id"}}},
        },
    }


def read_sqlite(path: str, tables: Sequence[str]) -> dict[str, Rows]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return {t: [dict(r) for r in db.execute(f'SELECT * FROM "{t}" ORDER BY rowid')] for t in tables}


def read_postgres(url: str, tables: Sequence[str]) -> dict[str, Rows]:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row) as db:
        out = {}
        for t in tables:
            key = db.execute("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                             "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
                             (t,)).fetchall()
            order = ", ".join(f'"{k["attname"]}"' for k in key) or "1"
            out[t] = list(db.execute(f'SELECT * FROM "{t}" ORDER BY {order}'))
        return out


def as_text(value: Any) -> str:
    """One spelling for a timestamp whether it came back as text or as a datetime."""
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def check_shop(data: Mapping[str, Rows]) -> None:
    """Every key unique, every reference resolving, `after` and the sums true, the link table's pairs distinct."""
    users = {u["id"]: u for u in data["users"]}
    assert len(users) == len(data["users"])
    assert len({u["email"] for u in data["users"]}) == len(users)
    for u in data["users"]:
        assert u["referrer_id"] is None or u["referrer_id"] < u["id"]  # earlier rows only: no cycle
    skus = {p["sku"] for p in data["products"]}
    assert len(skus) == len(data["products"])
    orders = {o["id"]: o for o in data["orders"]}
    assert len(orders) == len(data["orders"])
    for o in orders.values():
        assert o["user_id"] in users
        assert as_text(o["created_at"]) > as_text(users[o["user_id"]]["signup"])
    amounts: dict[int, list[float]] = collections.defaultdict(list)
    for item in data["order_items"]:
        assert item["order_id"] in orders and item["sku"] in skus
        amounts[item["order_id"]].append(float(item["amount"]))
    for o in orders.values():
        assert o["items"] == len(amounts[o["id"]])
        assert math.isclose(float(o["total"]), sum(amounts[o["id"]]), abs_tol=1e-6)
    pairs = [(r["order_id"], r["tag_id"]) for r in data["order_tags"]]
    assert len(set(pairs)) == len(pairs)
    tags = {t["id"] for t in data["tags"]}
    assert all(o in orders and t in tags for o, t in pairs)


def chi_square_limit(df: int, z: float = 3.29) -> float:
    """The chi-square quantile near p = 0.9995 (Wilson-Hilferty), for goodness-of-fit checks."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def fits(observed: Mapping[int, int], probabilities: Mapping[int, float]) -> tuple[float, float]:
    """The chi-square statistic of counts against probabilities (bins with < 5 expected merged), and its limit."""
    total = sum(observed.values())
    stat, df, pool_o, pool_e = 0.0, -1, 0.0, 0.0
    for k in sorted(probabilities):
        pool_o += observed.get(k, 0)
        pool_e += probabilities[k] * total
        if pool_e >= 5:
            stat += (pool_o - pool_e) ** 2 / pool_e
            df += 1
            pool_o = pool_e = 0.0
    if pool_e:
        stat += (pool_o - pool_e) ** 2 / max(pool_e, 1e-9)
        df += 1
    return stat, chi_square_limit(max(df, 1))


def truncated_poisson(mean: float, lo: int, hi: int) -> dict[int, float]:
    pmf = {k: math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1)) for k in range(lo, hi + 1)}
    total = sum(pmf.values())
    return {k: p / total for k, p in pmf.items()}
