"""StopRules: when a run of model calls stops short of its count, and the message that says why and what to change.

A run stops early only for: a user limit (`--max-calls`, `--timeout`), no progress (the last K calls
together added fewer than P% of what they asked for, and fewer than one item a call: a model that adds
at least one new record per call is making progress), a provider error that retries did not cure
(every one of the last K calls failed, or one that retrying cannot fix, such as a rejected key), or
the budget. Each check sees the calls in call-index order, so a replayed run stops where the first did.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from agentic_synth.domain.ai.ai_settings import DEFAULT_MIN_PROGRESS, DEFAULT_PROGRESS_WINDOW
from agentic_synth.domain.errors import AgenticSynthError, IncompleteGeneration, ProviderError
from agentic_synth.domain.ports import Clock

if TYPE_CHECKING:
    from agentic_synth.application.work_queue import Outcome

Stop = Callable[[], AgenticSynthError]  # makes the error of a stop when the run ends (its message tells how far)


def _seconds(value: float) -> str:
    return f"{value:g}s"


class StopRules:
    """The stop checks of one run; `status()` tells how far the run got (`312 of 500 records written ...`)."""

    def __init__(self, clock: Clock, status: Callable[[], str], *, max_calls: int | None = None,
                 timeout_s: float | None = None, window: int = DEFAULT_PROGRESS_WINDOW,
                 min_progress: float = DEFAULT_MIN_PROGRESS, unit: str = "records") -> None:
        self._clock = clock
        self._status = status
        self.max_calls = max_calls
        self.timeout_s = timeout_s
        self.window = max(1, window)
        self.min_progress = min_progress
        self.unit = unit
        self._deadline = None if timeout_s is None else clock.monotonic() + timeout_s
        self._recent: deque[tuple[int, int, ProviderError | None]] = deque(maxlen=self.window)

    # --- user limits ----------------------------------------------------------------------------

    def expired(self) -> bool:
        return self._deadline is not None and self._clock.monotonic() >= self._deadline

    def seconds_left(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - self._clock.monotonic())

    def calls_exhausted(self, launched: int) -> bool:
        return self.max_calls is not None and launched >= self.max_calls

    def timeout_error(self) -> IncompleteGeneration:
        assert self.timeout_s is not None
        return IncompleteGeneration(
            f"stopped at the time limit ({_seconds(self.timeout_s)}, --timeout or llm.timeout): {self._status()}; "
            f"give it more time, or more calls at once (--concurrency, providers.<name>.maxConcurrency)")

    def max_calls_error(self) -> IncompleteGeneration:
        return IncompleteGeneration(
            f"stopped at the call limit ({self.max_calls} calls, --max-calls or llm.maxCalls): {self._status()}; "
            f"raise the limit to finish")

    def stuck_error(self) -> IncompleteGeneration:
        return IncompleteGeneration(f"no call left to make: {self._status()}")

    # --- after each result, in call-index order ------------------------------------------------------

    def after(self, outcome: Outcome, added: int) -> Stop | None:
        """What stops the run after this result (its error is made when the run ends), or None to go on."""
        error = outcome.error
        if error is not None and (not isinstance(error, ProviderError) or not error.retryable):
            return lambda: error  # a budget refusal, a rejected key, a bug: retrying cannot help
        self._recent.append((outcome.call.asked, added, error if isinstance(error, ProviderError) else None))
        if len(self._recent) < self.window:
            return None
        failed = [e for _, _, e in self._recent if e is not None]
        if len(failed) == self.window:
            last = failed[-1]
            return lambda: ProviderError(f"{last} (the last {self.window} calls failed)", provider=last.provider,
                                         status=last.status)
        asked = sum(a for a, _, _ in self._recent)
        gained = sum(g for _, g, _ in self._recent)
        if gained < self.window and gained < self.min_progress * asked:
            share = 100.0 * gained / asked if asked else 0.0
            return lambda: IncompleteGeneration(
                f"no progress: the last {self.window} calls added {gained} new valid {self.unit} of {asked} asked "
                f"for ({share:.1f}%, less than llm.minProgress {100 * self.min_progress:g}%); {self._status()}. "
                f"The model keeps repeating values or breaking the schema: loosen unique fields or bounds, describe "
                f"the data (--prompt, --examples), or try another --model")
        return None
