"""AISettings: how a run in llm or hybrid mode uses a model (which one, prompt, examples, batching)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError

DEFAULT_CONCURRENCY = 4
DEFAULT_MAX_ROUNDS = 4
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
    `examples` are few-shot records; `batch_size` None sizes batches from the record size and
    the model's output limit; `max_rounds` caps how often a shortfall is asked for again.
    """

    model: str | None = None
    provider: str | None = None
    prompt: str | None = None
    examples: tuple[Mapping[str, Any], ...] = attrs.field(default=(), converter=_examples_tuple,
                                                        validator=_examples)
    batch_size: int | None = attrs.field(default=None, validator=_positive("--batch-size", maximum=1000))
    concurrency: int = attrs.field(default=DEFAULT_CONCURRENCY, validator=_positive("concurrency", maximum=64))
    max_rounds: int = attrs.field(default=DEFAULT_MAX_ROUNDS, validator=_positive("max_rounds", maximum=50))
    max_output_tokens: int = attrs.field(default=DEFAULT_MAX_OUTPUT_TOKENS,
                                         validator=_positive("max_output_tokens"))
    temperature: float = 0.8
    pool_size: int = attrs.field(default=DEFAULT_POOL_SIZE, validator=_positive("pool_size", maximum=1000))
    stream: bool = False
    given_options: tuple[str, ...] = attrs.field(default=(), converter=_names_tuple)  # options the user set explicitly
    # routing and budget of the run (issue 7): None/False leave the configuration's choices
    strategy: str | None = None
    fallback: tuple[str, ...] | None = None
    auto_route: bool = False
    budget_usd: float | None = None
