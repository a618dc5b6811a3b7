"""Property: whatever the prices, usage, failures and concurrency, spend never passes the budget."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentic_synth.application.text_models.budgeted import BudgetedTextModel
from agentic_synth.application.text_models.router import RouterTextModel
from agentic_synth.domain.ai.budget import Budget
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import max_input_tokens
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.ai.routing import RoutingPolicy
from agentic_synth.domain.errors import BudgetExceeded, ProviderError
from tests.fakes import FakeClock

price = st.floats(min_value=0, max_value=80, allow_nan=False).map(lambda p: round(p, 4))
call = st.fixed_dictionaries({
    "prompt_chars": st.integers(0, 4000),
    "max_out": st.integers(1, 20_000),
    "share_in": st.floats(0, 1),  # the provider's count, as a share of the prompt's byte bound
    "share_out": st.floats(0, 1),  # the output actually used, as a share of the allowance
    "fails": st.booleans(),
    "stream": st.booleans(),
})


class RandomUsageModel:
    """Uses a random share of each call's allowances, or fails, as the drawn call says."""

    def __init__(self, provider: str, plan: dict[str, dict[str, object]]) -> None:
        self.provider = provider
        self.plan = plan

    def _usage(self, request: ModelRequest) -> tuple[int, int]:
        spec = self.plan[request.prompt]
        time.sleep(0.001)  # keep the call in flight so that threads overlap
        if spec["fails"]:
            raise ProviderError("HTTP 500", status=500)
        return (int(float(spec["share_in"]) * max_input_tokens(request)),  # type: ignore[arg-type]
                int(float(spec["share_out"]) * request.max_output_tokens))  # type: ignore[arg-type]

    def complete(self, request: ModelRequest) -> Completion:
        tokens_in, tokens_out = self._usage(request)
        return Completion("[]", request.model or "?", self.provider, tokens_in, tokens_out)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        tokens_in, tokens_out = self._usage(request)
        yield TextDelta("[")
        yield TextDelta("]", tokens_in=tokens_in, tokens_out=tokens_out, done=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prices=st.lists(st.tuples(price, price), min_size=1, max_size=3),
       limit=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.5"), places=4),
       calls=st.lists(call, min_size=1, max_size=40), threads=st.integers(1, 6), wait=st.booleans())
def test_total_spend_never_exceeds_the_budget(prices: list[tuple[float, float]], limit: Decimal,
                                              calls: list[dict[str, object]], threads: int, wait: bool) -> None:
    models = {f"m{i}": ModelInfo(f"m{i}", f"p{i}", inp, out, max_output_tokens=16_384)
              for i, (inp, out) in enumerate(prices)}
    catalog = Catalog(models)
    plan = {f"{i:06d}" + "x" * int(spec["prompt_chars"]): spec for i, spec in enumerate(calls)}  # type: ignore
    budget = Budget(limit)
    targets = {m.provider: BudgetedTextModel(RandomUsageModel(m.provider, plan), catalog, budget, wait_for_room=wait)
               for m in models.values()}
    router = RouterTextModel(targets, catalog, RoutingPolicy(strategy="cost"), clock=FakeClock(),
                             breaker_threshold=10**6)
    def run(prompt: str) -> None:
        spec = plan[prompt]
        request = ModelRequest(prompt=prompt, max_output_tokens=int(spec["max_out"]))  # type: ignore[call-overload]
        try:
            if spec["stream"]:
                list(router.stream(request))
            else:
                router.complete(request)
        except (BudgetExceeded, ProviderError):
            pass
        assert budget.spent <= limit

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, plan))
    assert budget.reserved == 0
    assert budget.spent <= limit
    assert router.ledger.total_cost == budget.spent  # every settled cost is in the ledger, nothing else
