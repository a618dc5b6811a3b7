"""Each semantic type gives valid, plausible values, checked by rules written independently of the engine."""

from __future__ import annotations

import ipaddress
import re
import string
import uuid
from pathlib import Path

import pytest

from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.types import LOCALES, SEMANTIC_TYPES
from agentic_synth.domain.schema.validation import RecordValidator
from tests.integration.engine_run import column, records

VOCAB = Path(__file__).resolve().parents[2] / "adapters" / "engine" / "vocabularies"
N = 3000
# Registered IBAN lengths (SWIFT IBAN registry) for a sample of countries.
IBAN_LENGTHS = {"DE": 22, "FR": 27, "GB": 22, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "CH": 21, "AT": 20,
                "PL": 28, "SE": 24, "NO": 15, "DK": 18, "FI": 18, "IE": 22, "PT": 25}


def _iban_ok(value: str) -> bool:
    moved = value[4:] + value[:4]
    number = "".join(str(ord(c) - 55) if c.isalpha() else c for c in moved)
    return int(number) % 97 == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_every_semantic_type_validates_against_its_schema_in_every_locale(locale) -> None:
    payload = {t: t for t in SEMANTIC_TYPES}
    rows = records(payload, N, seed=11, locale=locale)
    validator = RecordValidator(Schema.from_payload(payload))
    assert [str(v) for r in rows for v in validator.check(r)] == []
    for t in SEMANTIC_TYPES:  # no type is stuck on one value
        assert len({repr(r[t]) for r in rows}) > 1 or t in ("country", "country_code", "currency"), t


def test_emails_are_addresses_on_reserved_example_domains() -> None:
    for value in column({"email": "email"}, N, "email"):
        local, _, domain = value.partition("@")
        assert re.fullmatch(r"[a-z0-9._]+", local), value
        assert domain.split(".")[-1] in ("com", "net", "org", "example", "test", "invalid", "localhost"), value


def test_ibans_carry_correct_check_digits_and_the_registered_length_for_their_country() -> None:
    values = column({"iban": "iban"}, N, "iban")
    assert all(_iban_ok(v) for v in values)
    seen = {v[:2] for v in values}
    assert len(seen) > 20
    for v in values:
        if v[:2] in IBAN_LENGTHS:
            assert len(v) == IBAN_LENGTHS[v[:2]], v


def test_an_iban_follows_the_records_country_code() -> None:
    rows = records({"country_code": "country_code", "iban": "iban"}, N)
    supported = {line.split("\t")[0] for line in (VOCAB / "iban_formats.tsv").read_text().splitlines()}
    assert all(r["iban"][:2] == r["country_code"] for r in rows if r["country_code"] in supported)


def test_ip_addresses_are_public_unicast() -> None:
    rows = records({"v4": "ipv4", "v6": "ipv6"}, N)
    for r in rows:
        v4 = ipaddress.IPv4Address(r["v4"])
        assert not (v4.is_private or v4.is_multicast or v4.is_reserved or v4.is_loopback or v4.is_link_local), v4
        v6 = ipaddress.IPv6Address(r["v6"])
        assert v6 in ipaddress.IPv6Network("2000::/3") and not v6.is_multicast, v6


def test_uuids_are_version_4_with_the_rfc_4122_variant_and_distinct() -> None:
    values = [uuid.UUID(v) for v in column({"id": "uuid"}, N, "id")]
    assert {v.version for v in values} == {4}
    assert {v.variant for v in values} == {uuid.RFC_4122}
    assert len(set(values)) == N


def test_coordinates_stay_on_the_globe_and_spread_over_it() -> None:
    rows = records({"lat": "latitude", "lon": "longitude"}, N)
    lats, lons = [r["lat"] for r in rows], [r["lon"] for r in rows]
    assert all(-90 <= v <= 90 for v in lats) and all(-180 <= v <= 180 for v in lons)
    assert min(lats) < -45 and max(lats) > 45 and min(lons) < -90 and max(lons) > 90
    northern = sum(v > 0 for v in lats) / N
    assert 0.45 < northern < 0.55  # uniform on the sphere: half the surface is north of the equator
    polar = sum(abs(v) > 60 for v in lats) / N  # 1 - sin(60°) ≈ 13.4 % of the surface
    assert 0.10 < polar < 0.17


def test_coordinates_of_a_record_with_a_city_lie_near_that_city() -> None:
    cities = {line.split("\t")[0]: tuple(map(float, line.split("\t")[3:5]))
              for line in (VOCAB / "de_DE" / "cities.tsv").read_text(encoding="utf-8").splitlines()}
    for r in records({"city": "city", "lat": "latitude", "lon": "longitude"}, 500, locale="de_DE"):
        lat, lon = cities[r["city"]]
        assert abs(r["lat"] - lat) < 0.5 and abs(r["lon"] - lon) < 0.5, r


def test_currency_codes_are_iso_4217_and_follow_the_records_country() -> None:
    known = {line.split("\t")[0] for line in (VOCAB / "currencies.tsv").read_text().splitlines()}
    assert {"USD", "EUR", "JPY", "GBP"} <= known
    values = column({"c": "currency"}, N, "c")
    assert set(values) <= known and len(set(values)) > 50
    rows = records({"country": "country", "currency": "currency"}, N)
    by_country = {"Germany": "EUR", "Japan": "JPY", "United States": "USD", "United Kingdom": "GBP"}
    checked = [r for r in rows if r["country"] in by_country]
    assert checked and all(r["currency"] == by_country[r["country"]] for r in checked)


def test_colors_are_hex_triplets_or_known_names() -> None:
    assert all(re.fullmatch(r"#[0-9a-f]{6}", v) for v in column({"c": "color"}, N, "c"))
    names = {line.split("\t")[0] for line in (VOCAB / "color_names.tsv").read_text().splitlines()}
    named = column({"c": {"type": "color", "format": "name"}}, N, "c")
    assert set(named) <= names and len(set(named)) > 50


@pytest.mark.parametrize("locale", LOCALES)
def test_a_postcode_matches_the_pattern_of_the_records_city(locale) -> None:
    patterns: dict[str, list[str]] = {}  # some names are shared (Columbia, MO and Columbia, SC)
    for line in (VOCAB / locale / "cities.tsv").read_text(encoding="utf-8").splitlines():
        name, _, pattern = line.split("\t")[:3]
        patterns.setdefault(name, []).append(pattern.replace("#", "[0-9]").replace("A", "[A-Z]"))
    rows = records({"city": "city", "postcode": "postcode", "address": "address"}, N, locale=locale)
    for r in rows:
        assert any(re.fullmatch(p, r["postcode"]) for p in patterns[r["city"]]), r
        assert r["city"] in r["address"] and r["postcode"] in r["address"], r


def test_us_phone_numbers_have_valid_area_codes_and_german_ones_look_german() -> None:
    for value in column({"p": "phone"}, N, "p"):
        digits = re.sub(r"\D", "", value.split(" x")[0])
        national = digits[1:] if len(digits) == 11 else digits
        assert len(national) == 10 and national[0] in "23456789" and national[3] in "23456789", value
    for value in column({"p": {"type": "phone", "locale": "de_DE"}}, N, "p"):
        assert value.startswith(("0", "+49")), value


def test_per_field_locale_overrides_the_run_locale() -> None:
    german = {line.split("\t")[0] for line in (VOCAB / "de_DE" / "cities.tsv").read_text(encoding="utf-8")
              .splitlines()}
    rows = records({"de": {"type": "city", "locale": "de_DE"}, "us": "city"}, 500, locale="en_US")
    assert all(r["de"] in german for r in rows)
    assert not any(r["us"] in german for r in rows)


def test_text_types_read_like_text() -> None:
    rows = records({"s": "sentence", "p": "paragraph", "w": "word", "t": "token", "u": "url", "d": "domain",
                    "prod": "product_name", "job": "job", "co": "company", "user": "username"}, N)
    for r in rows:
        assert r["s"][0].isupper() and r["s"].endswith(".") and 5 <= len(r["s"].split()) <= 15
        assert 3 <= r["p"].count(".") <= 7
        assert " " not in r["w"] and r["w"].isalpha()
        assert len(r["t"]) == 64 and set(r["t"]) <= set(string.hexdigits.lower())
        assert r["u"].startswith("https://www.") and r["d"].count(".") == 1
        assert len(r["prod"].split()) >= 3 and r["job"] and r["co"]
        assert re.fullmatch(r"[a-z0-9]+", r["user"])
