"""The real-world corpus (tests/corpus/realworld, origins in its manifest): every schema either yields records
that the real `jsonschema` library accepts, all of them, or is refused up front with one `error:` line
naming the keyword and its JSON pointer (exit 2).

The schema is given as a user gives it: the file path, with `#/pointer` for a component; sibling files
resolve as they would on the user's disk. REFUSED is what we measured we refuse: a refusal outside it, or
an acceptance inside it, fails, so the accepted count cannot slip (or grow) unseen, and docs/schema.md
must quote the count that follows from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.domain.errors import SchemaError
from tests.jsonschema_corpus import REALWORLD, Case, realworld_cases

COUNT = 40  # records per schema (the bench makes more; every one of them is checked here)
# Measured (benchmarks/bench_jsonschema.py, 100 records each); each entry is a known gap, not a goal.
REFUSED: dict[str, str] = {  # name -> the keyword its one-line error names
    "schemastore/global": "pattern",  # (?<name>...) groups: ECMA-262 syntax, not Python's (jsonschema's) re
}
SLOW = {  # over 30 s of CPU for 100 records (big unions of big definitions): only in the -m jsonschema_full run
    "schemastore/package", "schemastore/eslintrc", "schemastore/pyproject", "cyclonedx/bom-1.6", "cyclonedx/bom-1.4",
}
CASES = list(realworld_cases())
_SYNTH: list[AgenticSynth] = []


def _generate(case: Case, count: int) -> list[dict[str, Any]]:
    if not _SYNTH:
        _SYNTH.append(AgenticSynth())
    records: list[dict[str, Any]] = _SYNTH[0].generate("structured", schema=case.schema, count=count,
                                                       seed=11).records
    return records


def _marked(case: Case) -> Any:
    return pytest.param(case, id=case.name, marks=[pytest.mark.jsonschema_full] if case.name in SLOW else [])


@pytest.mark.parametrize("case", [_marked(c) for c in CASES])
def test_every_real_world_schema_makes_only_valid_records_or_is_refused_up_front(
        case: Case, request: pytest.FixtureRequest) -> None:
    if case.name in SLOW and "jsonschema_full" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("over 30 s of CPU: run with -m jsonschema_full")
    try:
        records = _generate(case, COUNT)
    except SchemaError as exc:
        assert case.name in REFUSED, f"refused: {exc}"
        message = str(exc)
        assert "\n" not in message
        assert re.match(r"schema: (\S+#\S*|#\S*): ", message), message  # the JSON pointer of the refusal
        assert REFUSED[case.name] in message
        return
    assert case.name not in REFUSED, "now accepted: take it off REFUSED (and update docs/schema.md)"
    assert len(records) == COUNT
    bad = [(r, e) for r in records for e in case.check(r)]
    assert not bad, f"{len(bad)} errors in {COUNT} records, e.g. {bad[0][1]}"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_real_world_schema_is_one_error_line_and_exit_2(
        name: str, run_cli: Callable[..., tuple[int, bytes, str]]) -> None:
    case = next(c for c in CASES if c.name == name)
    code, out, err = run_cli("generate", "structured", "--schema", case.schema, "--count", "3")
    assert (code, out) == (2, b"")
    assert err.count("\n") == 1 and err.startswith("error: schema: "), err
    assert REFUSED[name] in err


def test_the_corpus_figure_in_docs_schema_md_is_the_measured_one() -> None:
    accepted, total = len(CASES) - len(REFUSED) - len(SLOW), len(CASES)
    assert total >= 40 and len({c.name for c in CASES}) == total
    assert {*REFUSED, *SLOW} <= {c.name for c in CASES}
    text = (REALWORLD.parents[2] / "docs" / "schema.md").read_text()
    assert f"| real-world corpus | {accepted} / {total} | {accepted} / {total} |" in text, \
        f"docs/schema.md should say | real-world corpus | {accepted} / {total} | {accepted} / {total} |"
