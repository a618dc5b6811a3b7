"""BudgetedTextModel: reserve a call's worst case, then settle its actual cost from usage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import attrs

from agentic_synth.domain.ai.budget import Budget, Reservation
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import approx_tokens, cost_of, max_input_tokens, worst_case_cost
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ConfigError, UsageError
from agentic_synth.domain.ports import TextModel


class BudgetedTextModel:
    """A TextModel that never starts a call whose worst case could pass the budget.

    Before a call it reserves the worst case (every prompt byte a token, the full output
    allowance); after it, it settles the cost of the reported usage and puts it on
    `Completion.cost_usd` (None when the model's prices are unknown). A failed call gives its
    reservation back. Under a limit, a model without prices is refused: its cost cannot be bounded.
    With `wait_for_room`, a call that does not fit while others are in flight waits for them to
    settle before it is refused (concurrent batches then never stop a run early).
    """

    def __init__(self, inner: TextModel, catalog: Catalog, budget: Budget, *,
                 warn: Callable[[str], None] | None = None, wait_for_room: bool = False) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.catalog = catalog
        self.budget = budget
        self._warn = warn or (lambda message: None)
        self._wait = wait_for_room

    def _model(self, request: ModelRequest) -> ModelInfo:
        if request.model is None:
            raise UsageError("a budgeted call needs a model name (route it first)")
        info = self.catalog.lookup(request.model, request.provider)
        if self.budget.limit is not None and not info.priced:
            raise ConfigError(f"--budget: the price of model '{request.model}' is unknown, so its cost cannot be "
                              f"capped; give models.catalog.\"{request.model}\".inputPerMTok and outputPerMTok "
                              f"in the config, or run without a budget")
        return info

    def _reserve(self, info: ModelInfo, request: ModelRequest) -> Reservation:
        return self.budget.reserve(worst_case_cost(info, request) or Decimal(0), wait=self._wait)

    @staticmethod
    def _usage(request: ModelRequest, tokens_in: int, tokens_out: int, text: str) -> tuple[int, int]:
        """The usage to charge: as reported, or, when a provider reported none, the prompt's upper
        bound and the reply's estimate."""
        if tokens_in == 0 and tokens_out == 0 and text:
            return max_input_tokens(request), approx_tokens(text)
        return tokens_in, tokens_out

    def _settle(self, info: ModelInfo, reservation: Reservation, tokens_in: int, tokens_out: int) -> Decimal | None:
        actual: Decimal | None = cost_of(info, tokens_in, tokens_out)
        if actual is not None and actual > reservation.amount and self.budget.limit is not None:
            self._warn(f"model '{info.name}' reported usage above its worst case "
                       f"({tokens_in} in, {tokens_out} out); the spend is recorded as reported")
        self.budget.settle(reservation, actual if actual is not None else Decimal(0))
        return actual

    def complete(self, request: ModelRequest) -> Completion:
        info = self._model(request)
        reservation = self._reserve(info, request)
        try:
            completion = self.inner.complete(request)
        except BaseException:
            self.budget.release(reservation)
            raise
        if completion.cached:
            self.budget.settle(reservation, Decimal(0))
            return attrs.evolve(completion, cost_usd=0.0)
        usage = self._usage(request, completion.tokens_in, completion.tokens_out, completion.text)
        actual = self._settle(info, reservation, *usage)
        return attrs.evolve(completion, cost_usd=None if actual is None else float(actual))

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        """Streams the inner reply; the last piece carries the usage that was charged."""
        info = self._model(request)
        reservation = self._reserve(info, request)
        usage = (0, 0)
        text: list[str] = []
        try:
            for delta in self.inner.stream(request):
                text.append(delta.text)
                usage = max(usage[0], delta.tokens_in), max(usage[1], delta.tokens_out)
                if delta.done:
                    usage = self._usage(request, *usage, "".join(text))
                    cost = cost_of(info, *usage)
                    delta = attrs.evolve(delta, tokens_in=usage[0], tokens_out=usage[1],
                                         cost_usd=None if cost is None else float(cost))
                yield delta
        except GeneratorExit:
            # the reader stopped early: what was generated may be billed, so keep the worst case
            self.budget.settle(reservation, reservation.amount)
            raise
        except BaseException:
            if text:  # part of a reply came back and may be billed
                self.budget.settle(reservation, reservation.amount)
            else:
                self.budget.release(reservation)
            raise
        self._settle(info, reservation, *self._usage(request, *usage, "".join(text)))
