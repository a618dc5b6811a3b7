"""The budget is drawn on per attempt: what a failed attempt may have cost is charged, what was refused is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agentic_synth.adapters.providers.resilience import ResilientTextModel, RetryPolicy
from agentic_synth.adapters.providers.usage import reported_usage, token_count
from agentic_synth.application.text_models.budgeted import BudgetedTextModel, may_have_been_billed
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import worst_case_cost
from agentic_synth.domain.ai.ledger import CostLedger
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import BudgetExceeded, ProviderError, UsageError
from tests.fakes import FakeClock, FakeTextModel

MODEL = ModelInfo("m", "fake", input_per_mtok=1.0, output_per_mtok=10.0, max_output_tokens=8192)
CATALOG = Catalog({"m": MODEL})
REQ = ModelRequest(prompt="p" * 200, model="m", provider="fake", max_output_tokens=1000)
WORST = worst_case_cost(MODEL, REQ)
assert WORST is not None
DROPPED = ProviderError("fake: connection failed or dropped", provider="fake", retryable=True)
BUSY = ProviderError("fake: server error (503)", provider="fake", status=503, retryable=True)


def _stack(script: list[object], budget: Budget, ledger: CostLedger) -> tuple[FakeTextModel, BudgetedTextModel]:
    inner = FakeTextModel.for_routing("fake", tokens_in=150, tokens_out=40)
    inner.push(*script)
    resilient = ResilientTextModel(inner, FakeClock(), policy=RetryPolicy(max_retries=4))
    return inner, BudgetedTextModel(resilient, CATALOG, budget, ledger=ledger)


def test_a_dropped_attempt_is_charged_its_worst_case_and_a_503_nothing() -> None:
    budget, ledger = Budget(1), CostLedger()
    _, model = _stack([DROPPED, BUSY, '[{"a": 1}]'], budget, ledger)
    completion = model.complete(REQ)
    paid = Decimal(str(completion.cost_usd))
    assert budget.spent == WORST + paid and budget.reserved == 0
    assert ledger.charges()["m"][2] == WORST  # what the run's figures add to the model's spend


def test_a_retry_that_no_longer_fits_is_refused_before_it_is_sent() -> None:
    inner, model = _stack([DROPPED, DROPPED, DROPPED], Budget(WORST * 2 + Decimal("0.000001")), CostLedger())
    with pytest.raises(BudgetExceeded):
        model.complete(REQ)
    assert inner.calls == 2  # the third attempt could have passed the limit


def test_a_stream_cut_after_its_first_piece_keeps_its_worst_case() -> None:
    budget, ledger = Budget(1), CostLedger()

    class Cut(FakeTextModel):
        def stream(self, request):  # type: ignore[no-untyped-def]
            yield from list(super().stream(request))[:1]
            raise DROPPED

    resilient = ResilientTextModel(Cut.for_routing("fake"), FakeClock())
    with pytest.raises(ProviderError):
        list(BudgetedTextModel(resilient, CATALOG, budget, ledger=ledger).stream(REQ))
    assert budget.spent == WORST and budget.reserved == 0


def test_an_attempt_in_flight_when_the_run_ends_counts_at_its_worst_case() -> None:
    ledger = CostLedger()
    ledger.attempt_started("k", "m", 10, 20, Decimal("0.5"))
    assert ledger.charges() == {"m": (10, 20, Decimal("0.5"))}
    ledger.attempt_ended("k")
    assert ledger.charges() == {}


@pytest.mark.parametrize(("error", "billed"), [(DROPPED, True), (BUSY, False), (UsageError("no model"), False),
                                               (KeyboardInterrupt(), True), (GeneratorExit(), True),
                                               (TypeError("bug"), True)])
def test_which_failures_may_have_been_billed(error: BaseException, billed: bool) -> None:
    assert may_have_been_billed(error) is billed


@pytest.mark.parametrize(("value", "count"), [(5, 5), (0, 0), (-1, None), ("many", None), (True, None), (2.0, 2),
                                              (2.5, None), (float("nan"), None), (float("inf"), None), (None, None),
                                              ([3], None)])
def test_a_reported_token_count_is_a_whole_number_at_least_zero(value: object, count: int | None) -> None:
    assert token_count(value) == count


def test_usage_is_known_only_when_both_counts_are() -> None:
    assert reported_usage(10, 5) == (10, 5, True)
    assert reported_usage(-10, 5) == (0, 5, False)
