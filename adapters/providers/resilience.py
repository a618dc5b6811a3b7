"""ResilientTextModel: retries with backoff and full jitter, Retry-After, and client-side limits.

The one place retries happen: provider adapters run with their SDKs' retries off. Retried are
429, 5xx, timeouts, dropped connections and cut-off streams (ProviderError.retryable); never
400/401/403/404. A stream is retried only until its first piece has arrived.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import attrs
from loguru import logger
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from agentic_synth.adapters.providers.limits import AdaptiveConcurrency, MinuteWindow
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.errors import ProviderError
from agentic_synth.domain.ports import Clock, TextModel


@attrs.frozen
class RetryPolicy:
    """How often and how long to wait: full jitter over base * 2**attempt, capped; Retry-After wins."""

    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0


@attrs.frozen
class Limits:
    """Per-provider client-side limits (from config providers.<name>.*)."""

    max_concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None


def estimate_tokens(request: ModelRequest) -> int:
    """A conservative token count for a call: prompt characters / 4, plus the output allowance."""
    chars = len(request.prompt) + len(request.system or "")
    return chars // 4 + 1 + request.max_output_tokens


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
        self.concurrency = AdaptiveConcurrency(self.limits.max_concurrency)
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

    def complete(self, request: ModelRequest) -> Completion:
        for attempt in self._retrying():
            with attempt:
                return self._complete_once(request)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        for attempt in self._retrying():
            with attempt:
                deltas, first, release = self._open_stream(request)
        throttled = False
        try:
            yield first
            yield from deltas
        except ProviderError as error:
            throttled = error.status == 429
            raise
        finally:
            release(throttled)

    # --- one attempt ---------------------------------------------------------------------------

    def _admit(self, request: ModelRequest) -> tuple[int, list[float] | None]:
        if self._rpm is not None:
            self._rpm.acquire(1)
        tokens = self._tpm.acquire(estimate_tokens(request)) if self._tpm is not None else None
        return self.concurrency.acquire(), tokens

    def _complete_once(self, request: ModelRequest) -> Completion:
        epoch, tokens = self._admit(request)
        try:
            completion = self.inner.complete(request)
        except ProviderError as error:
            self.concurrency.release(epoch, throttled=error.status == 429)
            raise
        except BaseException:
            self.concurrency.release(epoch)
            raise
        self.concurrency.release(epoch)
        if tokens is not None and self._tpm is not None:
            self._tpm.settle(tokens, completion.tokens_in + completion.tokens_out)
        return completion

    def _open_stream(self, request: ModelRequest) -> tuple[Iterator[TextDelta], TextDelta, Callable[[bool], None]]:
        epoch, _ = self._admit(request)
        deltas = iter(self.inner.stream(request))
        try:
            first = next(deltas)
        except StopIteration:
            first = TextDelta(text="", done=True)
        except ProviderError as error:
            self.concurrency.release(epoch, throttled=error.status == 429)
            raise
        except BaseException:
            self.concurrency.release(epoch)
            raise

        def release(throttled: bool) -> None:
            self.concurrency.release(epoch, throttled=throttled)

        return deltas, first, release

    # --- retry policy --------------------------------------------------------------------------

    def _retrying(self) -> Retrying:
        return Retrying(retry=retry_if_exception(_retryable), stop=stop_after_attempt(self.policy.max_retries + 1),
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
