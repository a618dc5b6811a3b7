"""ResilientTextModel: retries with backoff and full jitter, Retry-After, and client-side limits.

The one place retries happen: provider adapters run with their SDKs' retries off. Retried are
429, 5xx, timeouts, dropped connections and cut-off streams (ProviderError.retryable); never
400/401/403/404. A stream is retried only until its first piece has arrived.

Concurrency adapts per model (AIMD: a 429 halves that model's limit, successes grow it back), under
the provider's `maxConcurrency` for all its models together, so one model's 429s never throttle
another. A call that a router could hand to another model (`ModelRequest.hand_over_after`) is not
held back by a throttled model: a Retry-After longer than that fails it at once, and so does the
time left of an earlier one.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs
from loguru import logger
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from agentic_synth.adapters.providers.limits import AdaptiveConcurrency, MinuteWindow
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.config.settings import DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_RETRIES
from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.ports import AttemptMeter, Clock, TextModel


@attrs.frozen
class RetryPolicy:
    """How often and how long to wait: full jitter over base * 2**attempt, capped; Retry-After wins."""

    max_retries: int = DEFAULT_MAX_RETRIES  # the configuration's default (providers.<name>.maxRetries)
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0


@attrs.frozen
class Limits:
    """Per-provider client-side limits (from config providers.<name>.*)."""

    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None


def estimate_tokens(request: ModelRequest) -> int:
    """A conservative token count for a call: prompt characters / 4, plus the output allowance."""
    chars = len(request.prompt) + len(request.system or "")
    return chars // 4 + 1 + request.max_output_tokens


class _Unmetered:
    """The meter of a call nobody accounts for per attempt (no budget layer above)."""

    def begin(self) -> None:
        pass

    def failed(self, error: BaseException) -> None:
        pass


_UNMETERED = _Unmetered()


def _retryable(error: BaseException) -> bool:
    return isinstance(error, ProviderError) and error.retryable


class ResilientTextModel:
    """Wraps a provider TextModel with retries and limits; is a TextModel itself."""

    def __init__(self, inner: TextModel, clock: Clock, *, policy: RetryPolicy | None = None,
                 limits: Limits | None = None, rng: random.Random | None = None) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.policy = policy or RetryPolicy()
        self.limits = limits or Limits()
        self.total = AdaptiveConcurrency(self.limits.max_concurrency)  # every model of the provider together
        self._limiters: dict[str, AdaptiveConcurrency] = {}
        self._throttled_until: dict[str, float] = {}  # model -> when its last Retry-After ends
        self._lock = threading.Lock()
        self._clock = clock
        self._rng = rng or random.Random()
        self._rpm = MinuteWindow(self.limits.requests_per_minute, clock) if self.limits.requests_per_minute else None
        self._tpm = MinuteWindow(self.limits.tokens_per_minute, clock) if self.limits.tokens_per_minute else None

    def __repr__(self) -> str:
        return f"ResilientTextModel({self.inner!r})"

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if callable(close):
            close()

    def limiter(self, model: str | None) -> AdaptiveConcurrency:
        """The adaptive concurrency of one model (a 429 of another model does not touch it)."""
        with self._lock:
            key = model or ""
            if key not in self._limiters:
                self._limiters[key] = AdaptiveConcurrency(self.limits.max_concurrency)
            return self._limiters[key]

    def complete(self, request: ModelRequest) -> Completion:
        return self.complete_metered(request, _UNMETERED)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        return self.stream_metered(request, _UNMETERED)

    def complete_metered(self, request: ModelRequest, meter: AttemptMeter) -> Completion:
        """`complete`, telling `meter` of each attempt (the budget layer reserves and charges per attempt)."""
        for attempt in self._retrying(request):
            with attempt:
                meter.begin()
                try:
                    return self._complete_once(request)
                except BaseException as error:
                    meter.failed(error)
                    raise
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def stream_metered(self, request: ModelRequest, meter: AttemptMeter) -> Iterator[TextDelta]:
        """`stream`, telling `meter` of each attempt; the one that streams is settled from its last piece."""
        for attempt in self._retrying(request):
            with attempt:
                meter.begin()
                try:
                    deltas, first, release = self._open_stream(request)
                except BaseException as error:
                    meter.failed(error)
                    raise
        throttled = False
        try:
            yield first
            yield from deltas
        except ProviderError as error:
            throttled = error.status == 429
            self._note_throttle(request, error)
            meter.failed(error)
            raise
        except BaseException as error:
            meter.failed(error)
            raise
        finally:
            release(throttled)

    # --- one attempt ---------------------------------------------------------------------------

    def _admit(self, request: ModelRequest) -> tuple[Callable[[bool], None], list[float] | None]:
        """Wait for room (per-minute windows, the model's and the provider's slots); the release function."""
        self._hand_over_if_throttled(request)
        if self._rpm is not None:
            self._rpm.acquire(1)
        tokens = self._tpm.acquire(estimate_tokens(request)) if self._tpm is not None else None
        limiter = self.limiter(request.model)
        epoch = limiter.acquire(lambda: self._hand_over_if_throttled(request))
        try:
            total = self.total.acquire(lambda: self._hand_over_if_throttled(request))
        except BaseException:
            limiter.release(epoch)
            raise

        def release(throttled: bool) -> None:
            self.total.release(total)
            limiter.release(epoch, throttled=throttled)

        return release, tokens

    @contextmanager
    def _released_on_failure(self, request: ModelRequest, release: Callable[[bool], None]) -> Iterator[None]:
        """A failed call gives its slot back at once (a 429 as a throttle, noted for hand-over)."""
        try:
            yield
        except ProviderError as error:
            release(error.status == 429)
            self._note_throttle(request, error)
            raise
        except BaseException:
            release(False)
            raise

    def _complete_once(self, request: ModelRequest) -> Completion:
        release, tokens = self._admit(request)
        with self._released_on_failure(request, release):
            completion = self.inner.complete(request)
        release(False)
        if tokens is not None and self._tpm is not None:
            self._tpm.settle(tokens, completion.tokens_in + completion.tokens_out)
        return completion

    def _open_stream(self, request: ModelRequest) -> tuple[Iterator[TextDelta], TextDelta, Callable[[bool], None]]:
        release, _ = self._admit(request)
        deltas = iter(self.inner.stream(request))
        with self._released_on_failure(request, release):
            first = next(deltas, None) or TextDelta(text="", done=True)
        return deltas, first, release

    # --- throttling and hand-over ----------------------------------------------------------------

    def _note_throttle(self, request: ModelRequest, error: ProviderError) -> None:
        if error.status == 429 and isinstance(error.retry_after, int | float) and error.retry_after > 0:
            with self._lock:
                until = self._clock.monotonic() + float(error.retry_after)
                key = request.model or ""
                self._throttled_until[key] = max(self._throttled_until.get(key, 0.0), until)

    def _hand_over_if_throttled(self, request: ModelRequest) -> None:
        """Fail at once when a router could hand this call on and the model is throttled for longer than it allows."""
        if request.hand_over_after is None:
            return
        with self._lock:
            left = self._throttled_until.get(request.model or "", 0.0) - self._clock.monotonic()
        if left > request.hand_over_after:
            raise ProviderError(f"{self.provider}: {request.model or 'the model'} is rate limited for another "
                                f"{left:.0f}s (429, Retry-After); handed to the next model", provider=self.provider,
                                status=429, retryable=True, retry_after=left)

    @staticmethod
    def _hands_over(request: ModelRequest, error: BaseException) -> bool:
        after = getattr(error, "retry_after", None)
        return (request.hand_over_after is not None and getattr(error, "status", None) == 429
                and isinstance(after, int | float) and after > request.hand_over_after)

    # --- retry policy --------------------------------------------------------------------------

    def _retrying(self, request: ModelRequest) -> Retrying:
        def retry(error: BaseException) -> bool:
            return _retryable(error) and not self._hands_over(request, error)

        return Retrying(retry=retry_if_exception(retry), stop=stop_after_attempt(self.policy.max_retries + 1),
                        wait=self._wait, sleep=self._clock.sleep, reraise=True, before_sleep=self._log)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        after = getattr(error, "retry_after", None)
        if isinstance(after, int | float) and after >= 0:
            return float(min(after, self.policy.max_retry_after))
        ceiling = min(self.policy.max_delay, self.policy.base_delay * 2 ** (state.attempt_number - 1))
        return self._rng.uniform(0, ceiling)

    def _log(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.info("{} (attempt {} of {}); retrying in {:.2f}s", error, state.attempt_number,
                    self.policy.max_retries + 1, wait)
