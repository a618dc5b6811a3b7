"""Budget and BudgetedTextModel: reserve the worst case, settle the actual, never pass the cap."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.domain.ai.budget import Budget, Reservation
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import cost_of, max_input_tokens, worst_case_cost
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.errors import BudgetExceeded, ConfigError, ProviderError
from tests.fakes import FakeTextModel

MODEL = ModelInfo("m", "fake", input_per_mtok=1.0, output_per_mtok=10.0, max_output_tokens=8192)
CATALOG = Catalog({"m": MODEL})
REQ = ModelRequest(prompt="p" * 200, model="m", provider="fake", max_output_tokens=1000)
WORST = worst_case_cost(MODEL, REQ)
assert WORST is not None


def test_a_reservation_is_refused_when_spent_plus_in_flight_plus_it_would_pass_the_limit() -> None:
    budget = Budget(Decimal("1.00"))
    first = budget.reserve(Decimal("0.40"))
    budget.reserve(Decimal("0.40"))  # two calls in flight
    with pytest.raises(BudgetExceeded, match=r"budget reached: \$0\.0000 of \$1\.0000 spent; the next call"):
        budget.reserve(Decimal("0.21"))
    budget.settle(first, Decimal("0.10"))
    assert budget.spent == Decimal("0.10") and budget.remaining == Decimal("0.50")
    budget.reserve(Decimal("0.50"))  # exactly the rest is allowed
    assert budget.remaining == 0


def test_a_released_reservation_gives_its_money_back() -> None:
    budget = Budget(1)
    held = budget.reserve(Decimal("0.9"))
    budget.release(held)
    assert budget.reserved == 0 and budget.spent == 0
    budget.reserve(Decimal("1"))


def test_a_reservation_cannot_be_settled_twice() -> None:
    budget = Budget(1)
    held = budget.reserve(Decimal("0.1"))
    budget.settle(held, Decimal("0.05"))
    with pytest.raises(ValueError, match="not open"):
        budget.settle(held, Decimal("0.05"))


def test_without_a_limit_the_budget_only_keeps_count() -> None:
    budget = Budget()
    budget.settle(budget.reserve(Decimal(10**6)), Decimal(3))
    assert budget.remaining is None and budget.spent == 3


@pytest.mark.parametrize("limit", [0, -1, float("nan"), float("inf"), True])
def test_a_limit_that_is_not_a_positive_amount_is_refused(limit: float) -> None:
    with pytest.raises(ConfigError, match="budget must be a positive amount in USD"):
        Budget(limit)


def test_the_actual_cost_from_usage_is_settled_onto_the_completion() -> None:
    budget = Budget(1)
    model = BudgetedTextModel(FakeTextModel.for_routing("fake", tokens_in=150, tokens_out=200), CATALOG, budget)
    completion = model.complete(REQ)
    assert completion.cost_usd == pytest.approx((150 * 1.0 + 200 * 10.0) / 1e6)
    assert budget.spent == cost_of(MODEL, 150, 200) and budget.reserved == 0


def test_a_call_whose_worst_case_does_not_fit_never_reaches_the_provider() -> None:
    inner = FakeTextModel.for_routing("fake")
    model = BudgetedTextModel(inner, CATALOG, Budget(WORST - Decimal("0.000001")))
    with pytest.raises(BudgetExceeded):
        model.complete(REQ)
    assert inner.requests == []


def test_a_failed_call_releases_its_reservation() -> None:
    budget = Budget(1)
    model = BudgetedTextModel(FakeTextModel.for_routing("fake", failing={"m"}), CATALOG, budget)
    with pytest.raises(ProviderError):
        model.complete(REQ)
    assert budget.reserved == 0 and budget.spent == 0


def test_an_unpriced_model_is_refused_under_a_budget_and_costs_unknown_without_one() -> None:
    request = ModelRequest(prompt="p", model="mystery", provider="fake")
    with pytest.raises(ConfigError, match="--budget: the price of model 'mystery' is unknown"):
        BudgetedTextModel(FakeTextModel.for_routing("fake"), CATALOG, Budget(1)).complete(request)
    assert BudgetedTextModel(FakeTextModel.for_routing("fake"), CATALOG, Budget()).complete(request).cost_usd is None


def test_missing_usage_is_charged_from_the_prompt_bound_and_the_reply_length() -> None:
    budget = Budget(1)
    inner = FakeTextModel.for_routing("fake", text="x" * 300, tokens_in=0, tokens_out=0)
    model = BudgetedTextModel(inner, CATALOG, budget)
    completion = model.complete(REQ)
    assert completion.cost_usd is not None and completion.cost_usd > 0
    assert budget.spent <= WORST


def test_usage_above_what_the_request_allowed_is_charged_at_the_request_limit_with_a_warning() -> None:
    warnings: list[str] = []
    budget = Budget(1)
    model = BudgetedTextModel(FakeTextModel.for_routing("fake", tokens_in=10**5, tokens_out=5000), CATALOG, budget,
                              warn=warnings.append)
    completion = model.complete(REQ)
    assert budget.spent == WORST  # the prompt's own size (a token a byte) and max_output_tokens
    assert (completion.tokens_in, completion.tokens_out) == (max_input_tokens(REQ), REQ.max_output_tokens)
    assert warnings and "reported usage above what the request allowed (100000 in, 5000 out)" in warnings[0]


def test_a_stream_is_settled_from_the_usage_on_its_last_piece() -> None:
    budget = Budget(1)
    model = BudgetedTextModel(FakeTextModel.for_routing("fake", tokens_in=150, tokens_out=40), CATALOG, budget)
    deltas = list(model.stream(REQ))
    assert "".join(d.text for d in deltas) == '[{"a": 1}]'
    assert budget.spent == cost_of(MODEL, 150, 40) and budget.reserved == 0
    assert deltas[-1].done and deltas[-1].cost_usd == float(budget.spent)  # the run's tally reads it there


def test_a_stream_abandoned_midway_keeps_its_worst_case_as_spent() -> None:
    budget = Budget(1)
    stream = BudgetedTextModel(FakeTextModel.for_routing("fake"), CATALOG, budget).stream(REQ)
    next(stream)
    stream.close()
    assert budget.spent == WORST and budget.reserved == 0


def test_concurrent_calls_count_each_others_worst_case() -> None:
    gate = threading.Event()
    entered = threading.Semaphore(0)

    class Slow(FakeTextModel):
        def complete(self, request: ModelRequest):  # type: ignore[no-untyped-def]
            entered.release()
            gate.wait(5)
            return super().complete(request)

    budget = Budget(WORST * 2)
    model = BudgetedTextModel(Slow.for_routing("fake"), CATALOG, budget)
    threads = [threading.Thread(target=model.complete, args=(REQ,)) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in threads:
        assert entered.acquire(timeout=5)
    with pytest.raises(BudgetExceeded):  # two worst cases in flight fill the budget
        model.complete(REQ)
    gate.set()
    for t in threads:
        t.join()
    assert budget.spent == 2 * cost_of(MODEL, 100, 50)  # type: ignore[operator]


def test_a_waiting_reservation_goes_ahead_once_a_call_in_flight_settles_below_its_worst_case() -> None:
    budget = Budget(Decimal("1.00"))
    held = budget.reserve(Decimal("0.60"))
    granted: list[Reservation] = []
    waiter = threading.Thread(target=lambda: granted.append(budget.reserve(Decimal("0.60"), wait=True)))
    waiter.start()
    waiter.join(0.05)
    assert waiter.is_alive() and not granted  # it does not fit beside the call in flight: it waits
    budget.settle(held, Decimal("0.10"))
    waiter.join(5)
    assert [r.amount for r in granted] == [Decimal("0.60")] and budget.remaining == Decimal("0.30")


def test_a_waiting_reservation_is_refused_once_nothing_in_flight_can_make_room() -> None:
    budget = Budget(Decimal("1.00"))
    held = budget.reserve(Decimal("0.60"))
    refused: list[BaseException] = []

    def reserve() -> None:
        try:
            budget.reserve(Decimal("0.60"), wait=True)
        except BudgetExceeded as error:
            refused.append(error)

    waiter = threading.Thread(target=reserve)
    waiter.start()
    budget.settle(held, Decimal("0.50"))
    waiter.join(5)
    assert not waiter.is_alive() and len(refused) == 1
    with pytest.raises(BudgetExceeded):  # and with nothing in flight, waiting is never needed
        budget.reserve(Decimal("0.60"), wait=True)
