"""The one cattrs converter: camelCase JSON <-> snake_case attrs values, strict types, Secret hooks."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from agentic_synth.domain.config.secrets import Secret
from agentic_synth.domain.config.validators import camel_key
from agentic_synth.domain.errors import ConfigError, InvalidSetting

T = TypeVar("T")

_KIND = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


class _WrongType(ValueError):
    """A JSON value of the wrong type (the message says what was expected)."""


_ECHO_UP_TO = 24  # longer strings are not echoed in errors: they may be a key pasted in the wrong place


def _describe(value: Any) -> str:
    if isinstance(value, str) and len(value) > _ECHO_UP_TO:
        return f"a string of {len(value)} characters"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _strict(kind: type) -> Any:
    def structure(value: Any, _: Any) -> Any:
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not ok:
            raise _WrongType(f"expected {_KIND[kind]}, got {_describe(value)}")
        return value
    return structure


def _structure_secret(value: Any, _: Any) -> Secret:
    if isinstance(value, Secret):
        return value
    if value is not None and not isinstance(value, str):
        raise _WrongType(f"expected a string, got {_describe(value)}")
    return Secret(value)


def _structure_tuple(value: Any, cl: Any) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise _WrongType(f"expected a list, got {_describe(value)}")
    (item,) = {a for a in getattr(cl, "__args__", (Any,)) if a is not Ellipsis} or {Any}
    out = []
    for index, element in enumerate(value):
        try:
            out.append(converter.structure(element, item))
        except _WrongType as exc:
            raise InvalidSetting(str(index), str(exc)) from None
    return tuple(out)


def _structure_mapping(value: Any, cl: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _WrongType(f"expected an object, got {_describe(value)}")
    _, item = cl.__args__
    out = {}
    for key, element in value.items():
        try:
            out[key] = converter.structure(element, item)
        except ConfigError as exc:
            raise InvalidSetting(f"{key}.{getattr(exc, 'key', '')}".rstrip("."),
                                 getattr(exc, "detail", str(exc))) from None
        except (ClassValidationError, _WrongType) as exc:
            path, message = _first_error(exc)
            raise InvalidSetting(".".join([key, *path]), message) from None
    return out


def _structure_hook_factory(cl: type) -> Any:
    renames: dict[str, Any] = {a.name: override(rename=camel_key(a.name)) for a in attrs.fields(cl)}
    build: Callable[[Any, Any], Any] = make_dict_structure_fn(cl, converter, _cattrs_forbid_extra_keys=True, **renames)

    def structure_object(value: Any, target: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _WrongType(f"expected an object, got {_describe(value)}")
        return build(value, target)
    return structure_object


def _unstructure_hook_factory(cl: type) -> Any:
    renames: dict[str, Any] = {a.name: override(rename=camel_key(a.name)) for a in attrs.fields(cl)}
    return make_dict_unstructure_fn(cl, converter, **renames)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for kind in (str, int, float, bool):
        conv.register_structure_hook(kind, _strict(kind))
    conv.register_structure_hook(Secret, _structure_secret)
    conv.register_unstructure_hook(Secret, lambda secret: secret)  # callers decide how to show it
    conv.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple, _structure_tuple)
    conv.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) in (Mapping, dict), _structure_mapping)
    conv.register_structure_hook_factory(attrs.has, _structure_hook_factory)
    conv.register_unstructure_hook_factory(attrs.has, _unstructure_hook_factory)
    return conv


converter = _make_converter()


def _first_error(exc: BaseException) -> tuple[list[str], str]:
    """The camelCase path (below the value structured) and message of the first error in a cattrs tree."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        inner = exc.exceptions[0]
        path = []
        for note in getattr(inner, "__notes__", []):
            name = getattr(note, "name", None)
            index = getattr(note, "index", None)
            if name is not None:
                path.append(camel_key(name))
            elif index is not None:
                path.append(str(index))
        sub, message = _first_error(inner)
        return path + sub, message
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [camel_key(a.name) for a in attrs.fields(exc.cl)]
        extra = sorted(exc.extra_fields)[0]
        moved = getattr(exc.cl, "RETIRED_KEYS", {}).get(extra)  # a key of the specification that we read otherwise
        if moved is not None:
            return [extra], moved
        match = difflib.get_close_matches(extra, known, n=1)
        hint = f" (did you mean '{match[0]}'?)" if match else f" (known: {', '.join(known)})"
        return [extra], f"unknown key{hint}"
    if isinstance(exc, InvalidSetting):
        return exc.key.split("."), exc.detail
    if isinstance(exc, KeyError):
        return [], "is required"
    return [], str(exc)


def structure(payload: Any, cl: type[T], *, origin: str | Callable[[str], str]) -> T:
    """Build `cl` from camelCase JSON; any problem is a ConfigError `origin: path: message`.

    `origin` names where the data came from, or maps the failing path to it.
    """
    name_of = origin if callable(origin) else (lambda _: origin)
    if not isinstance(payload, Mapping):
        raise ConfigError(f"{name_of('')}: expected a JSON object at the top, got {_describe(payload)}")
    try:
        return converter.structure(payload, cl)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError, InvalidSetting,
            _WrongType) as exc:
        path, message = _first_error(exc)
        where = ".".join(p for p in path if p)
        raise ConfigError(f"{name_of(where)}: {where}: {message}" if where else f"{name_of('')}: {message}") from None


def unstructure(value: Any) -> Any:
    """camelCase JSON-ready data (Secrets stay Secrets; see `masked`)."""
    return converter.unstructure(value)


def masked(data: Any) -> Any:
    """`data` with every Secret replaced by its masked text (`set (…abcd)` / `not set`)."""
    if isinstance(data, Secret):
        return data.masked()
    if isinstance(data, Mapping):
        return {k: masked(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [masked(v) for v in data]
    return data
