"""The public JSON-Schema-Test-Suite (draft 2020-12 and draft 7): every schema with a valid instance either
yields records the real `jsonschema` accepts, or is refused up front with one SchemaError line.

Each test-suite schema is typed as the required property `value` of a record (tests/jsonschema_corpus.py).
The default run makes a few records per schema; `-m jsonschema_full` makes many more.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.schema import Schema
from tests.jsonschema_corpus import REMOTES_URL, SUITE, Case, suite_cases

FEW, MANY = 4, 300
# What we refuse, and why; a refusal outside this list fails the test (so coverage cannot slip unseen).
REFUSED = {
    "draft2020-12/defs/0", "draft2020-12/ref/6", "draft7/definitions/0", "draft7/ref/7",  # the metaschema, remote
    "draft2020-12/pattern/2", "draft2020-12/patternProperties/5",  # \p{...}: Python's re (jsonschema's) cannot
    "draft2020-12/dynamicRef/12", "draft2020-12/dynamicRef/20",  # dynamic scopes beyond reading them as $ref
    "draft2020-12/not/8",  # a not of annotations collected through unevaluatedProperties
}
CASES = {d: list(suite_cases(d)) for d in ("draft2020-12", "draft7")}


def remote(uri: str) -> Any:
    """The suite's remote documents, as a sibling-file loader would read them (never downloaded)."""
    if uri.startswith(REMOTES_URL):
        path = SUITE / "remotes" / uri[len(REMOTES_URL):]
        return json.loads(path.read_text()) if path.is_file() else None
    return None


def case_id(case: Case) -> str:
    return case.name.split(":", 1)[0]


_SYNTH: list[AgenticSynth] = []


def _generate(case: Case, count: int) -> list[dict[str, Any]]:
    if not _SYNTH:
        _SYNTH.append(AgenticSynth())  # one SDK for every case (building one is what costs)
    schema = Schema.from_payload(case.schema, loader=remote)
    records: list[dict[str, Any]] = _SYNTH[0].generate("structured", schema=schema, count=count, seed=7).records
    return records


@pytest.mark.parametrize("case", [c for cs in CASES.values() for c in cs], ids=case_id)
def test_every_suite_schema_makes_valid_records_or_is_refused_with_a_reason(case: Case) -> None:
    try:
        records = _generate(case, FEW)
    except SchemaError as exc:
        assert case_id(case) in REFUSED, f"refused: {exc}"
        assert "\n" not in str(exc)
        return
    assert case_id(case) not in REFUSED, "now accepted: take it off REFUSED"
    assert len(records) == FEW
    bad = [(r, e) for r in records for e in case.check(r)]
    assert not bad, f"{bad[0][1]} in {bad[0][0]}"


@pytest.mark.jsonschema_full
@pytest.mark.parametrize("case", [c for cs in CASES.values() for c in cs if case_id(c) not in REFUSED], ids=case_id)
def test_every_accepted_suite_schema_makes_many_valid_records(case: Case, request: pytest.FixtureRequest) -> None:
    if "jsonschema_full" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("many records per schema: run with -m jsonschema_full")
    records = _generate(case, MANY)
    bad = [(r, e) for r in records for e in case.check(r)]
    assert not bad, f"{len(bad)} of {MANY} invalid, e.g. {bad[0][1]} in {bad[0][0]}"


def grid() -> list[str]:
    """The keyword x draft table of docs/schema.md: accepted (so all-valid, as the tests above require) / cases."""
    keywords = sorted({c.keyword for cs in CASES.values() for c in cs}, key=lambda k: (k.startswith("format:"), k))
    rows = []
    for keyword in keywords:
        cells = []
        for cases in CASES.values():
            mine = [c for c in cases if c.keyword == keyword]
            ok = len([c for c in mine if case_id(c) not in REFUSED])
            cells.append(f"{ok} / {len(mine)}" if mine else "-")
        rows.append(f"| `{keyword}` | " + " | ".join(cells) + " |")
    return rows


def test_the_accepted_share_and_the_keyword_grid_are_what_docs_schema_md_reports() -> None:
    total = sum(len(cs) for cs in CASES.values())
    per_draft = {d: (len([c for c in cs if case_id(c) not in REFUSED]), len(cs)) for d, cs in CASES.items()}
    text = (SUITE.parents[2] / "docs" / "schema.md").read_text()
    for draft, (ok, n) in per_draft.items():
        assert f"| {draft} | {ok} / {n} | {ok} / {n} |" in text, f"docs/schema.md should say {draft}: {ok} / {n}"
    assert total == sum(n for _, n in per_draft.values())
    missing = [row for row in grid() if row not in text]
    assert not missing, f"docs/schema.md should have the grid row {missing[0]}"
