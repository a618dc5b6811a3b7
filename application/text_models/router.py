"""RouterTextModel: choose a model per request, fall back along the chain, keep the ledger."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping

import attrs

from agentic_synth.domain.ai.breaker import BreakerState, CircuitBreaker
from agentic_synth.domain.ai.catalog import Catalog, ModelInfo
from agentic_synth.domain.ai.cost import cost_of
from agentic_synth.domain.ai.ledger import CostLedger
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.ai.routing import LatencyTracker, RoutingPolicy, plan
from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.ports import Clock, TextModel


class RouterTextModel:
    """A TextModel over several: routes each request, and hands over when a model fails.

    `targets` maps provider names (or single model names) to the TextModel that calls them;
    a provider with no target is not usable. A model that fails after its own retries
    (ProviderError) goes to the back of the line for the rest of the run, and its circuit
    breaker opens after `breaker_threshold` consecutive failures. Every answer (cached ones at
    $0) and every failure goes into the ledger. When every model fails, the error names each
    one and why.
    """

    provider = "router"

    def __init__(self, targets: Mapping[str, TextModel], catalog: Catalog, policy: RoutingPolicy, *,
                 clock: Clock, ledger: CostLedger | None = None, latency: LatencyTracker | None = None,
                 breaker_threshold: int = 3, breaker_cooldown_s: float = 30.0, require_prices: bool = False,
                 warn: Callable[[str], None] | None = None, hand_over_after: float | None = 5.0) -> None:
        self.targets = dict(targets)
        self.catalog = catalog
        self.policy = policy
        self.clock = clock
        self.ledger = ledger if ledger is not None else CostLedger()
        self.latency = latency if latency is not None else LatencyTracker()
        self.require_prices = require_prices
        self.hand_over_after = hand_over_after  # a longer Retry-After hands a call to the next model at once
        self._warn = warn or (lambda message: None)
        self._threshold = breaker_threshold
        self._cooldown = breaker_cooldown_s
        self._breakers: dict[str, CircuitBreaker] = {}
        self._warned: set[str] = set()
        self._lock = threading.Lock()
        self._last_error = threading.local()  # the last failure of this thread's current call
        self._why: dict[str, str] = {}  # each model's last failure, named when its circuit is open
        self.usable_providers = frozenset(
            info.provider if (info := catalog.get(key)) is not None else key for key in self.targets)

    # --- choosing ---------------------------------------------------------------------------

    def breaker(self, model: str) -> CircuitBreaker:
        with self._lock:
            if model not in self._breakers:
                self._breakers[model] = CircuitBreaker(self.clock, threshold=self._threshold,
                                                       cooldown_s=self._cooldown)
            return self._breakers[model]

    def chain(self, request: ModelRequest) -> list[ModelInfo]:
        """The models this request would try, in order (models that failed lately go last)."""
        models = plan(request, self.catalog, self.policy, self.usable_providers, latency=self.latency,
                      require_prices=self.require_prices)
        return sorted(models, key=lambda m: self.breaker(m.name).consecutive_failures > 0)

    def usable(self, model: ModelInfo) -> bool:
        """Whether some configured provider can call this model."""
        return self._target(model) is not None

    def _target(self, model: ModelInfo) -> TextModel | None:
        return self.targets.get(model.name) or self.targets.get(model.provider)

    def _ready(self, model: ModelInfo, failures: list[str]) -> TextModel | None:
        target = self._target(model)
        if target is None:
            failures.append(f"{model.name}: provider '{model.provider or '?'}' is not configured (no API key)")
            return None
        breaker = self.breaker(model.name)
        if not breaker.allow():
            why = f"last: {self._why[model.name]}; " if model.name in self._why else ""
            failures.append(f"{model.name}: skipped, circuit open after {breaker.consecutive_failures} "
                            f"consecutive failures ({why}retry in {breaker.retry_in():.0f}s)")
            return None
        if not model.known and model.name not in self._warned:
            self._warned.add(model.name)
            self._warn(f"model '{model.name}' is not in the catalog: sent to provider '{model.provider}' as given; "
                       f"its cost is unknown")
        return target

    def _failed(self, model: ModelInfo, error: ProviderError, failures: list[str], left: int) -> None:
        self.breaker(model.name).record_failure()
        self.ledger.record_failure(model.name, str(error), model.provider)
        failures.append(f"{model.name}: {error}")
        self._why[model.name] = str(error)
        self._last_error.error = error
        if left:
            self._warn(f"model '{model.name}' failed ({error}); falling back to the next model")

    def _all_failed(self, chain: list[ModelInfo], failures: list[str]) -> ProviderError:
        """One model that failed: its own error, unchanged; several: each one and why, on one line."""
        last = getattr(self._last_error, "error", None)
        self._last_error.error = None
        if len(chain) == 1 and len(failures) == 1 and isinstance(last, ProviderError):
            return last
        return ProviderError("every model failed: " + "; ".join(failures) if failures
                             else "no model is usable: configure an API key for a provider, or name a model",
                             provider="router")

    # --- calling ----------------------------------------------------------------------------

    def _attempts(self, chain: list[ModelInfo], request: ModelRequest,
                  failures: list[str]) -> Iterator[tuple[int, ModelInfo, TextModel, ModelRequest]]:
        """Each model of the chain that may be called now: (models left after it, model, target, request)."""
        for index, model in enumerate(chain):
            target = self._ready(model, failures)
            if target is not None:
                left = len(chain) - index - 1
                yield left, model, target, attrs.evolve(request, model=model.name, provider=model.provider,
                                                        hand_over_after=self.hand_over_after if left else None)

    def complete(self, request: ModelRequest) -> Completion:
        chain = self.chain(request)
        failures: list[str] = []
        for left, model, target, sub in self._attempts(chain, request, failures):
            try:
                completion = target.complete(sub)
            except ProviderError as error:
                self._failed(model, error, failures, left)
                continue
            except BaseException:
                self.breaker(model.name).record_abandoned()
                raise
            self.breaker(model.name).record_success()
            if not completion.cached:
                self.latency.observe(model.name, completion.latency_s)
            self.ledger.record(completion)
            return completion
        raise self._all_failed(chain, failures)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        """Streams from the first model that answers; a failure after text has arrived is raised."""
        chain = self.chain(request)
        failures: list[str] = []
        for left, model, target, sub in self._attempts(chain, request, failures):
            started = self.clock.monotonic()
            last: TextDelta | None = None
            try:
                for delta in target.stream(sub):
                    last = delta
                    yield delta
            except ProviderError as error:
                if last is not None:
                    self.breaker(model.name).record_failure()
                    self.ledger.record_failure(model.name, str(error), model.provider)
                    raise
                self._failed(model, error, failures, left)
                continue
            except BaseException:
                self.breaker(model.name).record_abandoned()
                raise
            self.breaker(model.name).record_success()
            seconds = self.clock.monotonic() - started
            tokens_in, tokens_out = (last.tokens_in, last.tokens_out) if last is not None else (0, 0)
            cached = last is not None and last.cached
            if not cached:
                self.latency.observe(model.name, seconds)
            cost = cost_of(model, tokens_in, tokens_out)
            self.ledger.record(Completion(text="", model=model.name, provider=model.provider, tokens_in=tokens_in,
                                          tokens_out=tokens_out, latency_s=seconds, cached=cached,
                                          cost_usd=None if cost is None else float(cost)))
            return
        raise self._all_failed(chain, failures)

    def breaker_states(self) -> dict[str, BreakerState]:
        with self._lock:
            breakers = dict(self._breakers)
        return {name: b.state for name, b in breakers.items()}
