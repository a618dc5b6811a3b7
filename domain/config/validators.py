"""The settings' validators: each error names the camelCase key it is about, relative to its section."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs

from agentic_synth.domain.config.display import shown
from agentic_synth.domain.errors import InvalidSetting, UsageError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def camel_key(name: str) -> str:
    """snake_case attribute name -> the camelCase key of the file (`max_size` -> `maxSize`)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check(test: Callable[[Any], bool], message: str) -> Validator:
    """Fails with `message` (formatted with the value) when a set value does not pass `test`."""
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, float) and not math.isfinite(value):  # JSON's 1e400 parses as inf
            raise InvalidSetting(camel_key(attribute.name), f"must be a finite number, got {value}")
        if value is not None and not test(value):
            raise InvalidSetting(camel_key(attribute.name), message.format(value=shown(value)))
    return validate


def parses(parse: Callable[[Any, str], float]) -> Validator:
    """Fails with the parser's own message when a set value does not parse (a duration, a rate)."""
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            try:
                parse(value, camel_key(attribute.name))
            except UsageError as exc:
                raise InvalidSetting(camel_key(attribute.name), str(exc).split(": ", 1)[1]) from None
    return validate


positive = check(lambda v: v > 0, "must be greater than 0, got {value}")
not_negative = check(lambda v: v >= 0, "must be 0 or more, got {value}")
