"""The `llm` schema keyword: an instruction on a text field, in the compact format and in JSON Schema."""

from __future__ import annotations

import pytest

from agentic_synth.application.text_columns import rows_per_call, text_fields, text_json_schema, without_text_fields
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema


def test_a_text_field_takes_an_llm_instruction_in_both_formats_and_keeps_it_in_its_canonical_form():
    compact = Schema.from_payload({"rating": "integer", "review": {"type": "text", "llm": "  a short review "}})
    json_schema = Schema.from_payload({"type": "object", "properties": {
        "rating": {"type": "integer"}, "review": {"type": "string", "llm": "a short review"}}})
    assert compact.field("review").llm == json_schema.field("review").llm == "a short review"
    assert compact.to_payload()["review"] == {"llm": "a short review", "type": "paragraph"}
    assert [f.name for f in text_fields(compact)] == ["review"]
    assert without_text_fields(compact).names == ("rating",)
    assert without_text_fields(Schema.from_payload({"t": {"type": "sentence", "llm": "x"}})) is None


@pytest.mark.parametrize("spec", [{"type": "integer", "llm": "a number"}, {"type": "sentence", "llm": ""},
                                  {"type": "sentence", "llm": 3}])
def test_llm_on_a_field_that_is_not_text_or_without_an_instruction_is_a_schema_error(spec):
    with pytest.raises(SchemaError, match=r"^schema: f: 'llm' is an instruction \(non-empty text\) for a text field"):
        Schema.from_payload({"f": spec})


def test_a_call_covers_as_many_rows_as_their_texts_fit_in_the_output_limit():
    short = text_fields(Schema.from_payload({"t": {"type": "word", "llm": "a word"}}))
    long = text_fields(Schema.from_payload({"t": {"type": "paragraph", "llm": "a story"}}))
    assert rows_per_call(short, 8192) == 50 and rows_per_call(long, 8192) == 50 and rows_per_call(long, 1000) == 7
    assert text_json_schema(short)["properties"]["rows"]["items"]["required"] == ["row", "t"]
