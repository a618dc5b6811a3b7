"""Secret: an API key that masks itself everywhere except `.reveal()` (for provider adapters only)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any, NoReturn

_SHOW_TAIL_FROM = 12  # keys shorter than this show no tail at all


class Secret:
    """A key held out of sight: repr, str and format are masked, pickling is refused.

    `Secret(None)` and `Secret("")` are "not set". `masked()` gives `set (…abcd)` or `not set`.
    """

    __slots__ = ("_value",)
    _value: str | None

    def __init__(self, value: str | None = None) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(f"a Secret holds a string, not {type(value).__name__}")
        object.__setattr__(self, "_value", value or None)

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Secret is immutable")

    @property
    def is_set(self) -> bool:
        return self._value is not None

    def __bool__(self) -> bool:
        return self.is_set

    def reveal(self) -> str:
        """The key itself; call only where it is sent to its provider."""
        return self._value or ""

    def masked(self) -> str:
        if self._value is None:
            return "not set"
        if len(self._value) < _SHOW_TAIL_FROM:
            return "set"
        return f"set (…{self._value[-4:]})"

    def __repr__(self) -> str:
        return f"Secret({self.masked()!r})"

    def __str__(self) -> str:
        return self.masked()

    def __format__(self, spec: str) -> str:
        return format(self.masked(), spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self.reveal().encode(), other.reveal().encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled (it would write the key to disk)")


MIN_REDACTED = 8  # shorter "keys" are placeholders (`ollama`, `EMPTY`, `test`): replacing them mangles words


def redact(text: str, secrets: Iterable[Secret], replacement: str = "***") -> str:
    """`text` with every revealed secret value replaced (a last line of defence for logs and errors).

    Values shorter than `MIN_REDACTED` are left alone: no provider issues keys that short, and local servers'
    placeholder keys would turn `via ollama` into `via ***` and `falling back` into `falling bac***`."""
    for secret in secrets:
        if secret.is_set and len(secret.reveal()) >= MIN_REDACTED:
            text = text.replace(secret.reveal(), replacement)
    return text
