"""Model classes at the edges: `--schema module:Class` imported, and generated records built back into instances."""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import ipaddress
import re
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cattrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.schema.python_types import is_model_type

_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def is_type_reference(value: Any) -> bool:
    """`package.module:Class` (what --schema takes for a model class)."""
    return isinstance(value, str) and bool(_REFERENCE.match(value))


def import_model(reference: str) -> type:
    """The class a `module:Class` reference names (the current directory is on the import path, as for python -m)."""
    module_name, _, attribute = reference.partition(":")
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--schema {reference}: cannot import module '{module_name}': {exc}") from None
    except Exception as exc:  # the user's module failed while importing: one line, not a traceback
        raise UsageError(f"--schema {reference}: importing '{module_name}' failed: {type(exc).__name__}: {exc}") \
            from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise UsageError(f"--schema {reference}: module '{module_name}' has no '{attribute}'")
        target = getattr(target, part)
    if not is_model_type(target):
        raise UsageError(f"--schema {reference}: '{attribute}' is not a pydantic model, dataclass or attrs class")
    return target  # type: ignore[no-any-return]


def model_class_of(schema: Any) -> type | None:
    """The model class a schema argument names (a class, or `module:Class`), else None."""
    if is_model_type(schema):
        return schema  # type: ignore[no-any-return]
    if is_type_reference(schema) and not Path(schema).exists():
        return import_model(schema)
    return None


def _instances() -> cattrs.Converter:
    """A converter for the records of dataclasses and attrs classes (generated values are JSON-ready text)."""
    converter = cattrs.Converter()
    converter.register_structure_hook(dt.datetime,
                                      lambda v, _: dt.datetime.fromisoformat(str(v).replace("Z", "+00:00")))
    converter.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
    converter.register_structure_hook(dt.time, lambda v, _: dt.time.fromisoformat(v))
    for kind in (uuid.UUID, decimal.Decimal, ipaddress.IPv4Address, ipaddress.IPv6Address):
        converter.register_structure_hook(kind, lambda v, t: t(str(v)))
    return converter


def model_builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """Turns one generated record into an instance of `cls` (pydantic validates it; cattrs builds the others)."""
    validate = getattr(cls, "model_validate", None)
    if validate is not None:
        return validate  # type: ignore[no-any-return]
    converter = _instances()
    return lambda record: converter.structure(record, cls)
