"""Model output is data: free text is cleaned, other values holding unsafe text refuse the record."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agentic_synth.application.keeper import RecordKeeper
from agentic_synth.application.sanitize import clean_model_record, clean_text, is_clean
from agentic_synth.domain.schema.schema import Schema

SCHEMA = Schema.from_payload({"title": "sentence", "email": "email", "site": "url", "tag": ["a", "b"],
                              "n": "integer", "items": {"type": "array", "items": "word"},
                              "owner": {"name": "name", "code": {"type": "string", "pattern": "^[A-Z]+$"}}})


def test_escape_sequences_controls_bidi_surrogates_and_tags_leave_free_text() -> None:
    hostile = ("Fine\x1b]0;pwned\x07 \x1b[31mred\x1b[0m \x00nul\udc80 \u202eevil\u202c <b>bold</b>\r\nnext\tcol"
               "\x1bP+q\x1b\\")
    assert clean_text(hostile) == "Fine red nul evil bold\nnext\tcol"


@given(st.text())
def test_cleaned_text_is_always_clean_and_writable_as_utf8(text: str) -> None:
    cleaned = clean_text(text)
    assert is_clean(cleaned)
    cleaned.encode("utf-8")  # a lone surrogate would raise here


def test_a_record_keeps_its_cleaned_free_text_nested_and_in_arrays() -> None:
    record = {"title": "ok\x1b[2J", "items": ["w\x00ord"], "owner": {"name": "Ann\u202e Lee", "code": "AB"}}
    assert clean_model_record(record, SCHEMA) == {"title": "ok", "items": ["word"],
                                                  "owner": {"name": "Ann Lee", "code": "AB"}}


def test_a_structured_value_holding_an_escape_refuses_the_record() -> None:
    assert clean_model_record({"site": "http://x.example/\x1b]0;pwned\x07"}, SCHEMA) is None  # a URL regex accepts it
    assert clean_model_record({"tag": "a\x00"}, SCHEMA) is None
    assert clean_model_record({"email": "a\udc80@example.com"}, SCHEMA) is None


def test_a_whole_number_beyond_64_bits_refuses_the_record() -> None:
    assert clean_model_record({"n": 2**63}, SCHEMA) is None
    assert clean_model_record({"n": 2**63 - 1}, SCHEMA) == {"n": 2**63 - 1}


def test_the_keeper_counts_refused_records_as_invalid_and_keeps_clean_ones() -> None:
    keeper = RecordKeeper(Schema.from_payload({"id": "integer", "title": "sentence"}), 5)
    rows = keeper.take([{"id": 1, "title": "Lone \udc80 surrogate."}, {"id": 2 ** 70, "title": "x"}])
    assert rows == [{"id": 1, "title": "Lone  surrogate."}] and keeper.invalid == 1
