"""Build one GenerationRequest from SDK keywords (the CLI's options are the same): every check before any output."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.application.generate import ENGINE_TIMED_KINDS
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.cache.keys import CachePolicy
from agentic_synth.domain.errors import AgenticSynthError, UsageError
from agentic_synth.domain.generation.generators import parse_options, prepare_request
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.generation.shards import as_part
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.types import DEFAULT_LOCALE, LOCALES
from agentic_synth.entrypoints.run_limits import run_limits

EXAMPLES_READ = 20  # few-shot records taken from an --examples file
ENGINE_NOTE = "routing and budget options apply to model calls; the engine made none"


def new_seed() -> int:
    """A fresh seed for runs that did not ask for one (reported, so every run can be replayed)."""
    return secrets.randbelow(2**32)


def build_request(container: Any, kind: str, *, schema: Any, count: int | None = None, seed: int | None = None,
                  locale: str | None = None, mode: str | None = None, model: str | None = None,
                  provider: str | None = None, prompt: str | None = None, examples: Any = None,
                  batch_size: int | None = None, stream_replies: bool = False, budget: Any = None,
                  strategy: str | None = None, fallback: Any = None, auto_route: bool = False,
                  cache_policy: str | CachePolicy | None = None, concurrency: int | None = None,
                  max_calls: int | None = None, timeout: Any = None, shard: Any = None,
                  **options: Any) -> GenerationRequest:
    """The request, checked: schema, options (with the configuration's defaults), mode, model and routing.

    `mode` defaults to engine when no model is chosen (`model`, `auto_route`, or `models.defaults.<kind>`
    with its provider usable), else llm for records and hybrid for time series and events.
    `concurrency`, `max_calls` and `timeout` bound an llm run; `shard=(i, n)` makes part i of n of an
    engine job (docs/scale-out.md).
    """
    routing = RunRouting.from_values(strategy=strategy, fallback=fallback, auto_route=auto_route, budget=budget)
    settings = container.settings()
    generator = container.registry().get(kind)
    takes = {spec.name for spec in generator.options}
    for option, value in settings.generator_defaults(kind).items():
        if option in takes and options.get(option) is None:
            options[option] = value  # the configuration's default for an option the call left out
    parsed_schema = load_schema(schema)
    if locale is not None and locale not in LOCALES:
        raise UsageError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
    model = model or default_model(container, kind, provider)
    if mode is None:
        chosen = model is not None or routing.auto_route
        mode = "engine" if not chosen else ("hybrid" if kind in ENGINE_TIMED_KINDS else "llm")
    ai = None
    if mode != "engine":
        if model is None and not routing.auto_route:
            raise UsageError(f"--mode {mode} needs a model: pass --model (e.g. gemini-2.5-flash, "
                             "openai/gpt-4o-mini or a model of a local server) or --auto-route")
        limits = run_limits(settings, provider=_provider_of(container, model, provider), concurrency=concurrency,
                            max_calls=max_calls, timeout=timeout)
        ai = AISettings(model=model, provider=provider, prompt=prompt, examples=_examples(examples, parsed_schema),
                        batch_size=batch_size, stream=stream_replies, routing=routing,
                        given_options=tuple(k for k, v in options.items() if v is not None), **limits)
        if model is not None:
            model_choice(container, ai)  # an unknown provider or a missing key fails here, before any output
    request = GenerationRequest(
        kind=kind, schema=parsed_schema, count=count, seed=new_seed() if seed is None else seed,
        options=parse_options(generator, options), mode=mode, locale=locale or DEFAULT_LOCALE, ai=ai,
        cache_policy=None if cache_policy is None else CachePolicy.parse(cache_policy, "cache_policy"),
        part=as_part(shard), notes=(ENGINE_NOTE,) if mode == "engine" and routing.given else ())
    if request.part is not None and (request.mode != "engine" or request.option("realtime")):
        why = "--realtime has no end" if request.mode == "engine" else f"mode {request.mode} calls a model"
        raise UsageError(f"--shard: a shard is an index range of a job the engine makes; {why}")
    return prepare_request(generator, request)


def _provider_of(container: Any, model: str | None, provider: str | None) -> str | None:
    """The provider that serves `model` (None: the router picks one per call)."""
    if model is None:
        return provider
    served: str = container.provider_models().resolve(model, provider).provider
    return served


def model_choice(container: Any, ai: AISettings) -> str:
    """`gemini-2.5-pro (for gemini-pro) via gemini`: the model a run uses, as the notice shows it."""
    if ai.model is None:
        strategy = ai.routing.strategy or container.settings().models.routing.strategy
        return f"chosen per call by the {strategy} strategy (--auto-route)"
    described: str = container.provider_models().resolve(ai.model, ai.provider).describe()
    return described


def default_model(container: Any, kind: str, provider: str | None) -> str | None:
    """`models.defaults.<kind>` when its provider is usable (its key is set)."""
    name = getattr(container.settings().models.defaults, kind, None)
    if not name:
        return None
    try:
        container.provider_models().resolve(name, provider)
    except AgenticSynthError:
        return None
    return str(name)


def _examples(examples: Any, schema: Schema) -> tuple[Mapping[str, Any], ...]:
    """Few-shot records: a list of dicts, or a json/jsonl/csv/parquet file (the first 20 rows)."""
    if examples is None:
        return ()
    if isinstance(examples, str | Path):
        from agentic_synth.adapters.readers import read_records  # Parquet examples load pyarrow: only then

        rows = list(itertools.islice(read_records(str(examples), schema), EXAMPLES_READ))
        if not rows:
            raise UsageError(f"--examples: '{examples}' holds no records")
        return tuple(rows)
    if not isinstance(examples, list | tuple):
        raise UsageError("examples must be a list of records or a file path")
    return tuple(examples)
