"""Records hang together: emails from the record's name, `after` fields later, unique values unique."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.generation.requests import CHUNK_SIZE
from tests.integration.engine_run import column, records

MANY = 2 * CHUNK_SIZE + 3000  # three chunks


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in ascii_text if c.isalnum())


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "es_ES"])
def test_an_email_is_built_from_the_same_records_name_even_when_made_unique(locale) -> None:
    rows = records({"name": "name", "email": {"type": "email", "unique": True}, "user": "username"}, MANY,
                   locale=locale)
    for r in rows:
        first, last = r["name"].split(" ", 1)
        local = r["email"].split("@")[0]
        assert _fold(last) in local and local.startswith(_fold(first)[:1]), r
        assert _fold(last) in r["user"], r
    assert len({r["email"] for r in rows}) == MANY


def test_an_email_follows_separate_first_and_last_name_fields() -> None:
    for r in records({"first": "first_name", "last": "last_name", "email": "email"}, 2000):
        assert _fold(r["last"]) in r["email"] and r["email"].startswith(_fold(r["first"])[:1]), r


def test_a_full_name_is_the_records_first_and_last_name() -> None:
    rows = records({"first": "first_name", "last": "last_name", "full": "name"}, 2000)
    assert all(r["full"] == f"{r['first']} {r['last']}" for r in rows)


@pytest.mark.parametrize("fmt", [None, "epoch", "epoch_ms"])
def test_a_datetime_declared_after_another_is_later_in_every_record(fmt) -> None:
    spec = {"type": "datetime", **({"format": fmt} if fmt else {})}
    rows = records({"ends": {**spec, "after": "starts"}, "starts": {**spec, "null_rate": 0.1}}, MANY)
    pairs = [(r["starts"], r["ends"]) for r in rows if r["starts"] is not None]
    assert len(pairs) > MANY * 0.85
    if fmt is None:
        pairs = [(dt.datetime.fromisoformat(a[:-1]), dt.datetime.fromisoformat(b[:-1])) for a, b in pairs]
    assert all(b > a for a, b in pairs)


def test_a_date_after_another_stays_within_its_own_bounds() -> None:
    rows = records({"ordered": {"type": "date", "min": "2024-01-01", "max": "2024-06-30"},
                    "shipped": {"type": "date", "after": "ordered", "min": "2024-03-01", "max": "2024-07-31"}}, 5000)
    for r in rows:
        assert r["ordered"] < r["shipped"] <= "2024-07-31" and r["shipped"] >= "2024-03-01", r


def test_an_after_field_whose_max_is_not_later_than_its_bases_max_is_refused() -> None:
    with pytest.raises(SchemaError, match=r"ends: max .* must be later than the max of 'starts'"):
        records({"starts": {"type": "date", "max": "2024-06-30"},
                 "ends": {"type": "date", "after": "starts", "max": "2024-06-30"}}, 1)


@pytest.mark.parametrize("spec", [
    {"type": "integer", "unique": True, "min": 1, "max": MANY},
    {"type": "uuid", "unique": True},
    {"type": "email", "unique": True},
    {"type": "username", "unique": True},
    {"type": "date", "unique": True, "min": "1950-01-01", "max": "2030-12-31"},
    {"type": "string", "pattern": "[A-Z]{2}[0-9]{4}", "unique": True},
])
def test_unique_fields_stay_unique_across_chunk_boundaries(spec) -> None:
    values = column({"id": spec}, MANY, "id", seed=5)
    assert len(values) == MANY and len(set(values)) == MANY
    if spec["type"] == "integer":
        assert set(values) == set(range(1, MANY + 1))  # the whole space, each value once


@pytest.mark.parametrize(("spec", "count", "message"), [
    ({"type": "integer", "min": 1, "max": 10}, 11, "at most 10 distinct values"),
    ({"enum": ["a", "b", "c"]}, 4, "at most 3 distinct values"),
    ({"type": "first_name"}, 100_000, "distinct values, fewer than the 100000"),
    ({"type": "country"}, 1000, "distinct values, fewer than the 1000"),
    ({"type": "date", "min": "2024-01-01", "max": "2024-01-31"}, 32, "at most 31 distinct values"),
    ({"type": "string", "pattern": "[ab]"}, 5, "can make at most 2 distinct values"),
    ({"type": "array", "items": {"enum": [1, 2]}, "min_items": 3, "unique_items": True}, 1,
     "unique_items: items can take only 2 distinct values"),
])
def test_a_unique_field_whose_value_space_is_too_small_fails_at_once_with_the_reason(spec, count, message) -> None:
    unique = {} if spec["type" if "type" in spec else "enum"] == "array" else {"unique": True}
    with pytest.raises(SchemaError, match=message):
        records({"f": {**spec, **unique}}, count)
