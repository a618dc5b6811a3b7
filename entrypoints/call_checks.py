"""What the SDK checks about a call before its request exists: the schema (or the kind's default) and its keywords."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from agentic_synth.adapters.schema_file import load_schema
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.generation.generators import Generator, GeneratorRegistry, UnknownOption, keyword
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema


def call_schema(generator: Generator, schema: Any, registry: GeneratorRegistry) -> Schema:
    """The call's schema; the generator's `default_schema` when the call gives none.

    `{}` is read as no fields: generators that add fields of their own (a timestamp) accept it,
    see `check_fields`.
    """
    if schema is not None:
        return load_schema(schema, allow_empty=True)
    default = getattr(generator, "default_schema", None)
    if default is None:
        with_defaults = [name for name in registry.names() if getattr(registry.get(name), "default_schema", None)]
        kinds = f" (only {', '.join(sorted(with_defaults))} have a default)" if with_defaults else ""
        raise UsageError(f"'{generator.type}' needs a schema: --schema FILE|JSON, or schema= in the SDK{kinds}")
    return load_schema(default)


def check_fields(request: GenerationRequest) -> GenerationRequest:
    """A prepared request must have fields: `{}` is fine only when the generator added some."""
    if not request.schema.fields:
        raise SchemaError("the schema has no fields")
    return request


def keywords(*methods: Callable[..., Any]) -> dict[str, str]:
    """The keyword parameters of SDK methods, as a did-you-mean spells them (`count=`)."""
    return {name: keyword(name) for method in methods for name, p in inspect.signature(method).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY}


@contextmanager
def sdk_spelling(method: str, others: Mapping[str, str]) -> Iterator[None]:
    """An unknown option raised inside names itself as a keyword of `method` (`generate(): cout= does not ...`)."""
    try:
        yield
    except UnknownOption as exc:
        raise exc.spelled(keyword, others, where=f"{method}()") from None


def refuse_keywords(method: str, given: Mapping[str, Any], refused: Mapping[str, str]) -> None:
    """Keywords of `generate` that another method cannot honour: say what to do instead."""
    for name in given:
        if name in refused:
            raise UsageError(f"{method}() does not take {name}= ({refused[name]})")
