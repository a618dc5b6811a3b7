"""AISettings: how a run in llm or hybrid mode uses a model (which one, prompt, examples, batching)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.errors import UsageError

DEFAULT_CONCURRENCY = 8  # in-flight calls when neither --concurrency nor the provider's maxConcurrency says
DEFAULT_PROGRESS_WINDOW = 8  # llm.progressWindow: the calls the no-progress rule looks back over
DEFAULT_MIN_PROGRESS = 0.05  # llm.minProgress: the share of what they asked for those calls must add
DEFAULT_MAX_OUTPUT_TOKENS = 8192
DEFAULT_POOL_SIZE = 100


def _positive(what: str, *, maximum: int | None = None) -> Any:
    def check(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{what} must be a whole number >= 1, got {value!r}")
        if maximum is not None and value > maximum:
            raise UsageError(f"{what} must be at most {maximum}, got {value}")
    return check


def _positive_seconds(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                              or not 0 < value < float("inf")):
        raise UsageError(f"--timeout must be a duration > 0, got {value!r}")


def _share(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise UsageError(f"llm.minProgress must be a share between 0 and 1, got {value!r}")


def _examples(_: Any, __: attrs.Attribute[Any], value: Sequence[Any]) -> None:
    for index, example in enumerate(value):
        if not isinstance(example, Mapping):
            raise UsageError(f"--examples: item {index} is not a JSON object")



def _examples_tuple(value: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    return tuple(value)


def _names_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class AISettings:
    """What llm and hybrid modes need besides the request: the model, the description, the knobs.

    `model` None lets a router choose; `provider` overrides which provider serves the model;
    `examples` are few-shot records; `batch_size` None sizes batches from the record size, the
    model's output limit and its observed yield; `concurrency` None takes the provider's
    `maxConcurrency`. A run stops short of its count only at `max_calls`, after `timeout_s`
    seconds, at the budget, or when the last `progress_window` calls added fewer than
    `min_progress` of what they asked for (and fewer than one record a call).
    """

    model: str | None = None
    provider: str | None = None
    prompt: str | None = None
    examples: tuple[Mapping[str, Any], ...] = attrs.field(default=(), converter=_examples_tuple,
                                                        validator=_examples)
    batch_size: int | None = attrs.field(default=None, validator=_positive("--batch-size", maximum=1000))
    concurrency: int | None = attrs.field(default=None, validator=_positive("--concurrency", maximum=256))
    max_calls: int | None = attrs.field(default=None, validator=_positive("--max-calls"))
    timeout_s: float | None = attrs.field(default=None, validator=_positive_seconds)
    progress_window: int = attrs.field(default=DEFAULT_PROGRESS_WINDOW, validator=_positive("llm.progressWindow"))
    min_progress: float = attrs.field(default=DEFAULT_MIN_PROGRESS, validator=_share)
    max_output_tokens: int = attrs.field(default=DEFAULT_MAX_OUTPUT_TOKENS,
                                         validator=_positive("max_output_tokens"))
    temperature: float = 0.8
    pool_size: int = attrs.field(default=DEFAULT_POOL_SIZE, validator=_positive("pool_size", maximum=1000))
    stream: bool = False
    given_options: tuple[str, ...] = attrs.field(default=(), converter=_names_tuple)  # options the user set explicitly
    routing: RunRouting = attrs.field(factory=RunRouting)  # --strategy, --fallback, --auto-route, --budget
