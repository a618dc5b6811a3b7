"""BudgetedTextModel: reserve each attempt's worst case, then charge what it may really have cost.

The spend it records is a hard upper bound of what providers bill: reported usage is clamped to what
the request allowed, a reply with unusable usage and an attempt that failed after it may have been
billed are charged their worst case, and the budget is drawn on per attempt, so retries cannot pass it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import attrs

from agentic_synth.domain.ai.budget import Budget, Reservation
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import cost_of, max_input_tokens, output_allowance, worst_case_cost
from agentic_synth.domain.ai.ledger import CostLedger
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import AgenticSynthError, ConfigError, ProviderError, UsageError
from agentic_synth.domain.ports import MeteredTextModel, TextModel


def may_have_been_billed(error: BaseException) -> bool:
    """Could a failed attempt have been billed? Not when the server answered with an error status (nothing
    was generated) or the call was refused before it was sent; a dropped connection, a cut stream, a
    timeout, an interrupt or an unexpected error may have been, in full."""
    if isinstance(error, ProviderError):
        return error.status is None
    return not isinstance(error, AgenticSynthError)


@attrs.frozen
class Usage:
    """The tokens charged for one reply, and whether they had to be bounded (`capped`) or assumed (`assumed`)."""

    tokens_in: int
    tokens_out: int
    capped: bool = False
    assumed: bool = False


def charged_usage(info: ModelInfo, request: ModelRequest, tokens_in: int, tokens_out: int, *, known: bool,
                  text: str) -> Usage:
    """What to charge for a reply: its usage within what the request allowed (the prompt's own size and the
    output allowance); the worst case when the provider reported none, or counts that are not counts."""
    top_in, top_out = max_input_tokens(request), output_allowance(info, request)
    if not known or (tokens_in == 0 and tokens_out == 0 and text):
        return Usage(top_in, top_out, assumed=True)
    capped = tokens_in > top_in or tokens_out > top_out
    return Usage(min(tokens_in, top_in), min(tokens_out, top_out), capped=capped)


class _CallMeter:
    """The attempts of one call: each reserves its worst case; a failed one is charged or released."""

    def __init__(self, owner: BudgetedTextModel, info: ModelInfo, request: ModelRequest) -> None:
        self._owner, self._info, self._request = owner, info, request
        self.open: Reservation | None = None

    def begin(self) -> None:
        if self.open is not None:  # an attempt the retrying layer never reported: it may have been billed
            self.failed(RuntimeError("attempt not reported"))
        self.open = self._owner._reserve(self._info, self._request)
        self._owner._in_flight(self, self._info, self._request, self.open)

    def _close(self) -> Reservation | None:
        reservation, self.open = self.open, None
        if reservation is not None:
            self._owner._in_flight(self, self._info, self._request, None)
        return reservation

    def failed(self, error: BaseException) -> None:
        reservation = self._close()
        if reservation is not None:
            self._owner._charge_failure(self._info, self._request, reservation, error)

    def settle(self, tokens_in: int, tokens_out: int, *, known: bool, text: str) -> tuple[Usage, Decimal | None]:
        reservation = self._close()
        if reservation is None:
            raise RuntimeError("a reply was settled without an open attempt")
        return self._owner._settle(self._info, self._request, reservation, tokens_in, tokens_out, known=known,
                                   text=text)

    def free(self) -> None:
        """A reply from the cache: nothing was billed."""
        reservation = self._close()
        if reservation is not None:
            self._owner.budget.settle(reservation, Decimal(0))


MIN_FITTED_SHARE = 0.1  # near the cap, a call's output allowance is lowered to what fits, down to this share
MIN_FITTED_TOKENS = 256  # ... and never below this many tokens


class BudgetedTextModel:
    """A TextModel that never starts an attempt whose worst case could pass the budget.

    Before each attempt it reserves the worst case (every prompt byte a token, the full output
    allowance); after a reply it settles the cost of the charged usage (`charged_usage`) and puts it
    on `Completion.cost_usd` (None when the model's prices are unknown). A failed attempt that may
    have been billed keeps its worst case as spent, and says so to `ledger` (the run's figures);
    one that was not gives its reservation back. Under a limit, a model without prices is refused:
    its cost cannot be bounded. With `wait_for_room`, an attempt that does not fit while others are
    in flight waits for them to settle before it is refused (concurrent calls then never stop a run
    early). An inner model that retries (a MeteredTextModel) reports each of its attempts; any other
    is one attempt per call.
    """

    def __init__(self, inner: TextModel, catalog: Catalog, budget: Budget, *,
                 warn: Callable[[str], None] | None = None, wait_for_room: bool = False,
                 ledger: CostLedger | None = None) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.catalog = catalog
        self.budget = budget
        self.ledger = ledger
        self._warn = warn or (lambda message: None)
        self._warned: set[str] = set()
        self._wait = wait_for_room

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self._warn(message)

    def _model(self, request: ModelRequest) -> ModelInfo:
        if request.model is None:
            raise UsageError("a budgeted call needs a model name (route it first)")
        info = self.catalog.lookup(request.model, request.provider)
        if self.budget.limit is not None and not info.priced:
            raise ConfigError(f"--budget: the price of model '{request.model}' is unknown, so its cost cannot be "
                              f"capped; give models.catalog.\"{request.model}\".inputPerMTok and outputPerMTok "
                              f"in the config, or run without a budget")
        return info

    # --- the meter's bookkeeping ------------------------------------------------------------------

    def _reserve(self, info: ModelInfo, request: ModelRequest) -> Reservation:
        return self.budget.reserve(worst_case_cost(info, request) or Decimal(0), wait=self._wait)

    def _in_flight(self, key: object, info: ModelInfo, request: ModelRequest, reservation: Reservation | None) -> None:
        """Tell the ledger an attempt is in flight (its worst case counts if the run ends first), or is over."""
        if self.ledger is None:
            return
        if reservation is None:
            self.ledger.attempt_ended(key)
        else:
            self.ledger.attempt_started(key, info.name, max_input_tokens(request), output_allowance(info, request),
                                        reservation.amount if info.priced else None)

    def _charge_failure(self, info: ModelInfo, request: ModelRequest, reservation: Reservation,
                        error: BaseException) -> None:
        if not may_have_been_billed(error):
            self.budget.release(reservation)
            return
        self.budget.settle(reservation, reservation.amount)
        if self.ledger is not None:
            self.ledger.record_charge(info.name, max_input_tokens(request), output_allowance(info, request),
                                      None if not info.priced else reservation.amount, provider=info.provider)

    def _settle(self, info: ModelInfo, request: ModelRequest, reservation: Reservation, tokens_in: int,
                tokens_out: int, *, known: bool, text: str) -> tuple[Usage, Decimal | None]:
        usage = charged_usage(info, request, tokens_in, tokens_out, known=known, text=text)
        if usage.capped:
            self._warn_once(f"{info.name}:capped",
                            f"model '{info.name}' reported usage above what the request allowed ({tokens_in} in, "
                            f"{tokens_out} out); charged {usage.tokens_in} in, {usage.tokens_out} out")
        elif usage.assumed and info.priced:
            self._warn_once(f"{info.name}:unknown",
                            f"model '{info.name}' reported no usable usage; each such reply is charged its worst "
                            f"case ({usage.tokens_in} in, {usage.tokens_out} out)")
        actual = cost_of(info, usage.tokens_in, usage.tokens_out)
        self.budget.settle(reservation, actual if actual is not None else Decimal(0))
        return usage, actual

    def _fitted(self, info: ModelInfo, request: ModelRequest) -> ModelRequest:
        """Near the cap, a call whose worst case no longer fits (with nothing in flight) gets the output allowance
        that does, when that is at least `MIN_FITTED_SHARE` of its own: its reply may then be cut at that limit
        (the complete records before the cut are kept) instead of the run stopping with budget left unspent."""
        if not self._wait or self.budget.limit is None or not info.priced or not info.output_per_mtok:
            return request
        worst = worst_case_cost(info, request) or Decimal(0)
        room = self.budget.room(worst)
        if room is None or worst <= room:
            return request
        prompt_cost = cost_of(info, max_input_tokens(request), 0) or Decimal(0)
        fits = int((room - prompt_cost) * 1_000_000 / Decimal(str(info.output_per_mtok)))
        if fits < max(MIN_FITTED_TOKENS, int(output_allowance(info, request) * MIN_FITTED_SHARE)):
            return request  # too little for a useful reply: the reservation refuses it, and the run stops
        return attrs.evolve(request, max_output_tokens=fits)

    # --- the port ----------------------------------------------------------------------------------

    def complete(self, request: ModelRequest) -> Completion:
        info = self._model(request)
        request = self._fitted(info, request)
        meter = _CallMeter(self, info, request)
        try:
            if isinstance(self.inner, MeteredTextModel):
                completion = self.inner.complete_metered(request, meter)
            else:
                meter.begin()
                completion = self.inner.complete(request)
        except BaseException as error:
            meter.failed(error)
            raise
        if completion.cached:
            meter.free()
            return attrs.evolve(completion, cost_usd=0.0)
        usage, actual = meter.settle(completion.tokens_in, completion.tokens_out, known=completion.usage_known,
                                     text=completion.text)
        return attrs.evolve(completion, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out,
                            cost_usd=None if actual is None else float(actual))

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        """Streams the inner reply; the last piece carries the usage and cost that were charged."""
        info = self._model(request)
        request = self._fitted(info, request)
        meter = _CallMeter(self, info, request)
        if isinstance(self.inner, MeteredTextModel):
            deltas = self.inner.stream_metered(request, meter)
        else:
            meter.begin()
            deltas = self.inner.stream(request)
        text: list[str] = []
        try:
            for delta in deltas:
                text.append(delta.text)
                if delta.done:
                    if delta.cached:
                        meter.free()
                        delta = attrs.evolve(delta, cost_usd=0.0)
                    else:
                        usage, cost = meter.settle(delta.tokens_in, delta.tokens_out, known=delta.usage_known,
                                                   text="".join(text))
                        delta = attrs.evolve(delta, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out,
                                             cost_usd=None if cost is None else float(cost))
                yield delta
        except BaseException as error:  # GeneratorExit too: the reader stopped, what was generated may be billed
            meter.failed(error)
            raise
        finally:
            close = getattr(deltas, "close", None)
            if callable(close):
                close()
        if meter.open is not None:  # a stream that ended without its last piece: it may have been billed
            meter.failed(RuntimeError("the stream ended without its last piece"))
