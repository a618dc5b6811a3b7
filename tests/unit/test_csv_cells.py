"""CSV from the engine's columns is what Python's csv module writes from their values, formula rule applied."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentic_synth.adapters.columns.cells import python_cell
from agentic_synth.adapters.columns.vectors import Days, Instants, Lists, Numbers, Picks, Texts, vocabulary
from agentic_synth.adapters.readers import read_records
from agentic_synth.adapters.sinks.csv import CsvRecordSink
from agentic_synth.adapters.sinks.formula import needs_protection, protect, unprotect
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.schema.schema import Schema

# OWASP's CSV injection examples and their usual variants: every one must come out defused
PAYLOADS = ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "-2+3", "+1*5", "\t=1", "\r=1", "=cmd|'/C notepad'!'A1'", "'=1+1", "-0001-01-01",
            "''@x", "-", "+", "+A1", "-SUM(1)", "=DDE(\"cmd\";\"/C calc\";\"!A0\")", "@", "-1\n", "+1 273-766-0399x"]
# values a spreadsheet cannot run: kept byte for byte
LITERALS = ["+1 273-766-0399", "+1 (221) 388-1946", "+49 (0)30 12345678", "+33 1 23 45 67 89", "-12.5",
            "-1,234.50", "+05:30", "-03:00", "-1e-05", "+2.5E+10", "-0001-01-01T00:00:00Z",
            "plain", "'quoted", "(+34) 612 345 678", "a=b", "x-1"]


class _Buffer:
    def __init__(self) -> None:
        self.handle = io.BytesIO()


def _write(schema: Schema, columns: dict, protect_cells: bool = True) -> bytes:
    target = _Buffer()
    sink = CsvRecordSink(target, schema, protect=protect_cells)
    sink.write(RecordChunk.from_columns(columns))
    return target.handle.getvalue()


def _python_csv(names: list[str], rows: list[list], protected: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([protect(n) if protected else n for n in names])
    writer.writerows([[python_cell(v, protected) for v in row] for row in rows])
    return out.getvalue().encode()


@pytest.mark.parametrize("value", PAYLOADS)
def test_every_payload_is_defused_and_reads_back_as_written(value):
    assert needs_protection(value)
    assert protect(value) == "'" + value and unprotect(protect(value)) == value


@pytest.mark.parametrize("value", LITERALS)
def test_literals_are_kept_byte_for_byte(value):
    assert protect(value) == value and unprotect(value) == value


def test_text_columns_match_the_csv_module_with_the_rule_applied():
    values = [*PAYLOADS, *LITERALS, 'say "hi", then\r\nleave', "", "ünïcode, too"]
    schema = Schema.from_payload({"t": "string", "n": "integer"})
    texts = Texts.from_strings(values, np.array([i % 7 == 3 for i in range(len(values))]))
    n = Numbers(np.arange(len(values), dtype=np.int64) - 5)
    produced = _write(schema, {"t": texts, "n": n})
    assert produced == _python_csv(["t", "n"], [list(r) for r in zip(texts.to_list(), n.to_list(), strict=True)])
    rows = list(csv.reader(io.StringIO(produced.decode(), newline="")))[1:]
    assert [unprotect(r[0]) for r in rows] == ["" if v is None else v for v in texts.to_list()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=40), st.lists(st.floats(allow_nan=False,
       allow_infinity=False, width=64), min_size=1, max_size=40))
def test_any_text_and_float_cells_match_the_csv_module(texts, floats):
    n = min(len(texts), len(floats))
    texts = [t.replace("\x1f", "") for t in texts[:n]]
    if any(ord(c) >= 0xD800 and ord(c) < 0xE000 for t in texts for c in t):
        return
    schema = Schema.from_payload({"t": "string", "x": "number"})
    columns = {"t": Texts.from_strings(texts), "x": Numbers(np.array(floats[:n], dtype=np.float64))}
    assert _write(schema, columns) == _python_csv(["t", "x"], [list(r) for r in zip(texts, floats[:n], strict=True)])


def test_picks_instants_days_booleans_and_arrays_match_the_csv_module():
    words = vocabulary(np.array(["=x", "plain", "a,b", 'q"', "+1 555"], dtype=object))
    codes = np.array([0, 1, 2, 3, 4, 1, 0])
    schema = Schema.from_payload({"w": {"enum": ["=x", "plain", "a,b", 'q"', "+1 555"]}, "at": "datetime",
                                  "d": "date", "b": "boolean",
                                  "tags": {"type": "array", "items": {"enum": ["=x", "plain", "a,b", 'q"']}}})
    offsets = np.array([0, 0, 2, 3, 3, 5, 6, 7])
    columns = {"w": Picks(codes, words, np.array([False, False, False, False, False, True, False])),
               "at": Instants(np.array([0, 86399, 1735689599, 951782400, 4102444800, 1, 2]), None),
               "d": Days(np.array([730120, 1, 3652059, 738000, 738001, 738002, 738003])),
               "b": Numbers(np.array([True, False, True, True, False, False, True])),
               "tags": Lists(offsets, Picks(codes % 4, vocabulary(np.array(["=x", "plain", "a,b", 'q"'],
                                                                           dtype=object))))}
    rows = [list(r) for r in zip(*(c.to_list() for c in columns.values()), strict=True)]
    assert _write(schema, columns) == _python_csv(list(columns), rows)


def test_the_header_row_is_protected_too():
    schema = Schema.from_payload({'=HYPERLINK("http://x","y")': "integer", "plain": "integer"})
    head = _write(schema, {'=HYPERLINK("http://x","y")': [1], "plain": [2]}).split(b"\r\n")[0]
    assert head == b'"\'=HYPERLINK(""http://x"",""y"")",plain'


def test_a_protected_phone_column_round_trips_byte_identical_through_validate_reading(tmp_path):
    schema = Schema.from_payload({"phone": "phone", "note": "string"})
    phones = ["+1 273-766-0399", "+1 (221) 388-1946", "=1+1", "'=x", "-2+3"]
    path = tmp_path / "p.csv"
    path.write_bytes(_write(schema, {"phone": Texts.from_strings(phones), "note": ["=a", "b", "@c", "d", "e"]}))
    back = list(read_records(str(path), schema))
    assert [r["phone"] for r in back] == phones and [r["note"] for r in back] == ["=a", "b", "@c", "d", "e"]
    assert path.read_bytes().split(b"\r\n")[1].startswith(b"+1 273-766-0399,")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-2**63, 2**63 - 1), st.booleans(), st.floats(width=64), st.booleans()),
                min_size=1, max_size=40))
def test_integer_boolean_and_any_float_cells_with_nulls_match_the_csv_module(rows):
    null = np.array([r[3] for r in rows])
    columns = {"i": Numbers(np.array([r[0] for r in rows], dtype=np.int64), null),
               "b": Numbers(np.array([r[1] for r in rows]), ~null),
               "x": Numbers(np.array([r[2] for r in rows], dtype=np.float64))}
    schema = Schema.from_payload({"i": "integer", "b": "boolean", "x": "number"})
    values = [list(r) for r in zip(*(c.to_list() for c in columns.values()), strict=True)]
    assert _write(schema, columns) == _python_csv(list(columns), values)


def test_a_lone_column_writes_its_empty_and_null_cells_as_two_quotes():
    schema = Schema.from_payload({"t": "string"})
    texts = Texts.from_strings(["a", "", "b,c", "x"], np.array([False, False, False, True]))
    assert _write(schema, {"t": texts}) == b't\r\na\r\n""\r\n"b,c"\r\n""\r\n'
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["t"], ["a"], [""], ["b,c"], [None]])
    assert _write(schema, {"t": texts}) == out.getvalue().encode()


def test_a_csv_cell_of_a_field_of_several_types_is_read_back_as_the_type_it_spells(tmp_path: Path) -> None:
    """Fuzz finding (issue 17): `type: ["boolean", "array"]` written to CSV read back `true` as the text 'true',
    and validate failed the engine's own records."""
    schema = Schema.from_payload({"type": "object", "properties": {
        "b": {"type": ["boolean", "array"]}, "n": {"type": ["integer", "null"]},
        "x": {"anyOf": [{"type": "number"}, {"type": "boolean"}]}, "s": {"type": ["string", "integer"]}}})
    (tmp_path / "u.csv").write_text('b,n,x,s\r\ntrue,15,2.5,abc\r\n"[""w""]",,false,7\r\n', encoding="utf-8")
    assert list(read_records(str(tmp_path / "u.csv"), schema)) == [
        {"b": True, "n": 15, "x": 2.5, "s": "abc"}, {"b": ["w"], "n": None, "x": False, "s": 7}]


def test_an_empty_cell_of_a_text_that_cannot_be_null_is_read_back_as_the_empty_text(tmp_path: Path) -> None:
    """The fuzz suite's unexplained null in a non-nullable field (issue 17): a pattern such as `^x?$` (or
    max_length 0) makes "", CSV writes it as an empty cell, and validate read the cell back as null."""
    schema = Schema.from_payload({"p": {"type": "string", "pattern": "^x?$"}, "q": {"type": "string", "nullable": True},
                                  "n": "integer", "e": {"enum": ["", "a"]}})
    (tmp_path / "e.csv").write_text("p,q,n,e\r\n,,,\r\n", encoding="utf-8")
    assert list(read_records(str(tmp_path / "e.csv"), schema)) == [{"p": "", "q": None, "n": None, "e": ""}]
    optional = Schema.from_payload({"type": "object", "properties": {"p": {"type": "string"}, "r": {"type": "string"}},
                                    "required": ["r"]})
    (tmp_path / "o.csv").write_text("p,r\r\n,\r\n", encoding="utf-8")
    assert list(read_records(str(tmp_path / "o.csv"), optional)) == [{"r": ""}]  # p: left out, as it was


def test_a_csv_cell_of_a_union_of_fixed_values_reads_back_as_the_value(tmp_path: Path) -> None:
    """Fuzz finding (SDK path, second pass): `oneOf: [{const: true}, {enum: [false, 5]}]` read `true` back as text."""
    schema = Schema.from_payload({"type": "object", "required": ["u"], "properties": {"u": {"oneOf": [
        {"const": True}, {"enum": [False, 5, "x"]}, {"type": "string", "minLength": 3}]}}})
    (tmp_path / "u.csv").write_text("u\r\ntrue\r\nfalse\r\n5\r\nx\r\nwords\r\n", encoding="utf-8")
    assert [r["u"] for r in read_records(str(tmp_path / "u.csv"), schema)] == [True, False, 5, "x", "words"]
