"""Values checked against the user's JSON Schema by the `jsonschema` library (declared draft, formats on).

The engine uses it where generation alone is not exact (`oneOf`, `not`, `if`...): values that fail are
redrawn. `validate` uses it for whole records. Both read the same compiled source (SchemaSource).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

from agentic_synth.domain.schema.documents import DIALECT_URIS
from agentic_synth.domain.schema.json_schema import SchemaSource
from agentic_synth.domain.schema.openapi import openapi30_as_2020

_SLOW_FORMATS = frozenset({"iri", "iri-reference"})


def _registry(source: SchemaSource) -> referencing.Registry[Any]:
    resources = []
    for uri, payload, dialect in source.documents:
        if dialect == "openapi3.0":
            payload, dialect = openapi30_as_2020(payload), "draft2020-12"
        spec = referencing.jsonschema.specification_with(DIALECT_URIS.get(dialect, DIALECT_URIS["draft2020-12"]))
        resources.append((uri, spec.create_resource(payload)))
    return referencing.Registry().with_resources(resources)


class JsonSchemaChecks:
    """jsonschema validators for nodes of one schema's source, made once per set of nodes."""

    def __init__(self, source: SchemaSource, *, fast_formats: bool = False) -> None:
        """`fast_formats` (the engine's redraw checks) leaves out the IRI checks, whose grammar parser
        takes milliseconds a value: our IRIs are ASCII URLs, valid by construction."""
        self.source = source
        self._registry = _registry(source)
        dialect = "draft2020-12" if source.dialect == "openapi3.0" else source.dialect
        self._cls = jsonschema.validators.validator_for({"$schema": DIALECT_URIS[dialect]})
        self._formats = self._cls.FORMAT_CHECKER
        if fast_formats:
            self._formats = jsonschema.FormatChecker()
            self._formats.checkers = {k: v for k, v in self._cls.FORMAT_CHECKER.checkers.items()
                                      if k not in _SLOW_FORMATS}
        self._validators: dict[tuple[str, ...], Any] = {}

    def validator(self, uris: tuple[str, ...]) -> Any:
        found = self._validators.get(uris)
        if found is None:
            schema: dict[str, Any] = {"$ref": uris[0]} if len(uris) == 1 else {
                "allOf": [{"$ref": u} for u in uris]}
            found = self._cls(schema, registry=self._registry, format_checker=self._formats)
            self._validators[uris] = found
        return found

    def failing(self, uris: tuple[str, ...], values: Iterable[Any]) -> list[int]:
        """The positions of the values that do not satisfy every node in `uris`."""
        is_valid = self.validator(uris).is_valid
        return [i for i, v in enumerate(values) if not is_valid(v)]

    def errors(self, uris: tuple[str, ...], value: Any) -> list[tuple[str, str]]:
        """(JSON path, message) for every way `value` breaks the nodes in `uris`."""
        out = []
        for e in self.validator(uris).iter_errors(value):
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path).lstrip(".")
            out.append((path or "<record>", e.message))
        return out

    def record_errors(self, record: Any) -> list[tuple[str, str]]:
        return self.errors((self.source.root,), record)
