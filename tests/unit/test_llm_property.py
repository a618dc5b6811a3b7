"""Property: whatever the model returns, as long as each call adds at least one valid new record, an llm run ends
with the count met or a budget or limit stop, and never spends more than its budget."""

from __future__ import annotations

import itertools
import json
import threading
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentic_synth.adapters.lenient_json import repair_json
from agentic_synth.application.llm import LLMRecords
from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.application.usage import UsageTally
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import BudgetExceeded, IncompleteGeneration
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record
from tests.fakes import FakeClock

SCHEMA = Schema.from_payload({"id": {"type": "integer", "unique": True, "min": 1, "max": 10**9},
                              "score": {"type": "integer", "min": 0, "max": 9}})
FORMATS = ("json", "fenced", "prose", "python", "trailing_comma", "jsonl")

reply = st.fixed_dictionaries({
    "new": st.integers(1, 60),  # valid new records (at least one); more than asked for is allowed
    "invalid": st.integers(0, 10),
    "repeats": st.integers(0, 10),  # records of earlier replies again
    "broken": st.booleans(),  # a fragment that is no JSON at all
    "format": st.sampled_from(FORMATS),
    "cut": st.booleans(),  # finish_reason "length"
    "tokens_out": st.integers(1, 3000),
})


def render(records: list[dict[str, Any]], fmt: str, broken: bool) -> str:
    body = json.dumps({"records": records})
    if broken:
        body = body[:-2] + ', {"id": , "score": 1}]}'
    if fmt == "fenced":
        return f"```json\n{body}\n```"
    if fmt == "prose":
        return f"Sure! Here you go: {body} Anything else?"
    if fmt == "python":
        return repr({"records": records})
    if fmt == "trailing_comma":
        return body.replace("}]", "},]")
    if fmt == "jsonl":
        return "\n".join(json.dumps(r) for r in records) or "{}"
    return body


class AnythingModel:
    """Replies as the drawn script says, call by call (in the order the calls are made)."""

    provider = "fake"

    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = itertools.cycle(script)
        self.ids = itertools.count(1)
        self.earlier: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.calls = 0

    def complete(self, request: ModelRequest) -> Completion:
        with self.lock:
            self.calls += 1
            spec = next(self.script)
            records = [{"id": next(self.ids), "score": 3} for _ in range(spec["new"])]
            records += [{"id": -1, "score": 99}] * spec["invalid"] + self.earlier[: spec["repeats"]]
            self.earlier.extend(records[:3])
        text = render(records, spec["format"], spec["broken"])
        return Completion(text, request.model or "m", self.provider, tokens_in=len(request.prompt) // 4,
                          tokens_out=spec["tokens_out"], finish_reason="length" if spec["cut"] else "stop")

    def stream(self, request: ModelRequest) -> Any:  # pragma: no cover - not used here
        yield TextDelta("", done=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(reply, min_size=1, max_size=12), count=st.integers(1, 400),
       batch=st.one_of(st.none(), st.integers(1, 50)), slots=st.integers(1, 6),
       limit=st.one_of(st.none(), st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.2"), places=4)),
       max_calls=st.one_of(st.none(), st.integers(1, 60)))
def test_a_run_ends_with_the_count_or_a_budget_or_limit_stop_and_never_overspends(script, count, batch, slots,
                                                                                  limit, max_calls):
    model = AnythingModel(script)
    catalog = Catalog({"m": ModelInfo("m", "fake", 1.0, 4.0, max_output_tokens=16_384)})
    budget = Budget(limit)
    budgeted = BudgetedTextModel(model, catalog, budget, wait_for_room=True)
    ai = AISettings(model="m", batch_size=batch, concurrency=slots, max_calls=max_calls, max_output_tokens=4096)
    request = GenerationRequest(kind="structured", schema=SCHEMA, count=count, seed=1, mode="llm", ai=ai)
    rows: list[dict[str, Any]] = []
    try:
        for chunk in LLMRecords(budgeted, UsageTally(), FakeClock(), repair=repair_json).chunks(request):
            rows.extend(chunk.rows())
    except BudgetExceeded:
        assert limit is not None
    except IncompleteGeneration as stop:
        assert max_calls is not None and str(stop).startswith("stopped at the call limit"), str(stop)
        assert model.calls <= max_calls  # (a call the budget refused reached no model)
    else:
        assert len(rows) == count
    assert limit is None or budget.spent <= limit
    assert all(validate_record(r, SCHEMA) == [] for r in rows)
    assert len({r["id"] for r in rows}) == len(rows) <= count
    assert max_calls is None or model.calls <= max_calls
