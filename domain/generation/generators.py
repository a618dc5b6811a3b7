"""The Generator contract (the specification's interface), its options, CustomGenerator and the registry."""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import attrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk, rechunk
from agentic_synth.domain.generation.requests import CHUNK_SIZE, GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import Violation, validate_record


@attrs.frozen
class OptionSpec:
    """One option a generator takes: its name, how to parse a value, its default and help text."""

    name: str
    parse: Callable[[Any], Any] = str
    default: Any = None
    help: str = ""


class Generator(Protocol):
    """A kind of data: `type` names it, `options` lists what it takes, `chunks` yields the records.

    A generator may also define `prepare(request) -> GenerationRequest`: called before any output
    exists, it checks and resolves the options and returns the request with the output schema
    (fields the generator adds, such as a timestamp). It must be idempotent.
    """

    type: str
    description: str
    options: tuple[OptionSpec, ...]

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]: ...

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]: ...


def total_records(generator: Generator, request: GenerationRequest) -> int | None:
    """How many records the whole job makes (a generator's `total`, else the request's count)."""
    total = getattr(generator, "total", None)
    return total(request) if callable(total) else request.count


def prepare_request(generator: Generator, request: GenerationRequest) -> GenerationRequest:
    """The request as the generator will run it (its own `prepare`, when it has one)."""
    prepare = getattr(generator, "prepare", None)
    prepared: GenerationRequest = prepare(request) if callable(prepare) else request
    return prepared


class CustomGenerator:
    """Base for user-defined generators: override `generate_record` (simplest) or `generate_batch`.

    The specification's contract: `type` (the name used by `generate <type>`), an options schema
    (`options`, a tuple of OptionSpec; see `options_schema()`), `generate`, `generate_batch` /
    `generate_stream`, and `validate`. Randomness must come from the request's seed: use
    `self.random(request, index)`, a `random.Random` private to one record.
    """

    type: str = "custom"
    description: str = ""
    options: tuple[OptionSpec, ...] = ()
    default_count: int = 10

    def prepare(self, request: GenerationRequest) -> GenerationRequest:
        """Check options and extend the schema before any output exists (default: unchanged)."""
        return request

    def random(self, request: GenerationRequest, index: int = 0) -> random.Random:
        """A random generator seeded from the request's seed, this generator's type and `index`."""
        return random.Random(f"{request.seed}:{self.type}:{index}")

    def generate_record(self, request: GenerationRequest, index: int) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement generate_record or generate_batch")

    def generate_batch(self, request: GenerationRequest) -> Iterator[dict[str, Any]]:
        """Yield the request's records (default: one `generate_record` call per index)."""
        for index in range(request.count if request.count is not None else self.default_count):
            yield self.generate_record(request, index)

    def generate_stream(self, request: GenerationRequest) -> Iterator[dict[str, Any]]:
        """Records one at a time, lazily (the same records as `generate_batch`)."""
        return self.generate_batch(self.prepare(request))

    def generate(self, request: GenerationRequest) -> list[dict[str, Any]]:
        """All records of a request as a list (small counts; stream with `generate_stream`)."""
        return list(self.generate_stream(request))

    def chunks(self, request: GenerationRequest) -> Iterator[RecordChunk]:
        prepared = self.prepare(request)
        yield from rechunk(self.generate_batch(prepared), prepared.schema.names, CHUNK_SIZE)

    def validate(self, record: Mapping[str, Any], schema: Schema) -> list[Violation]:
        """Violations of a record against the schema (empty when it is valid)."""
        violations: list[Violation] = validate_record(record, schema)
        return violations

    def options_schema(self) -> list[dict[str, Any]]:
        """The options this generator takes, as plain data (name, default, help)."""
        return [{"name": o.name, "default": o.default, "help": o.help} for o in self.options]


class GeneratorRegistry:
    """Generators by type name; the built-in ones are registered like any plugin."""

    def __init__(self) -> None:
        self._generators: dict[str, Generator] = {}
        self._origins: dict[str, str] = {}

    def register(self, generator: Generator, *, origin: str = "code", replace: bool = False) -> None:
        name = getattr(generator, "type", None)
        if not isinstance(name, str) or not name:
            raise UsageError(f"generator {generator!r} has no 'type' name")
        if not callable(getattr(generator, "chunks", None)):
            raise UsageError(f"generator '{name}' has no chunks() method (subclass agentic_synth.CustomGenerator)")
        if name in self._generators and not replace:
            raise UsageError(f"a generator named '{name}' is already registered ({self._origins[name]})")
        self._generators[name] = generator
        self._origins[name] = origin

    def get(self, name: str) -> Generator:
        try:
            return self._generators[name]
        except KeyError:
            match = difflib.get_close_matches(name, list(self._generators), n=1)
            hint = f" (did you mean '{match[0]}'?)" if match else ""
            raise UsageError(
                f"unknown generator '{name}'{hint}; known: {', '.join(sorted(self._generators))}") from None

    def origin(self, name: str) -> str:
        return self._origins[name]

    def names(self) -> list[str]:
        return list(self._generators)

    def __contains__(self, name: object) -> bool:
        return name in self._generators


def parse_options(generator: Generator, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check and parse the options given for a generator; unknown ones are a usage error."""
    specs = {o.name: o for o in generator.options}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key not in specs:
            takes = ", ".join(f"--{k}" for k in specs) or "no options"
            raise UsageError(f"--{key} does not apply to '{generator.type}' (it takes {takes})")
        out[key] = specs[key].parse(value)
    for spec in specs.values():
        if spec.name not in out and spec.default is not None:
            out[spec.name] = spec.default
    return out
