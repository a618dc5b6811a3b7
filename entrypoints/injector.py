"""dependency-injector's `containers` and `providers`, loaded without the yaml and pydantic it would import.

When it loads, dependency-injector imports yaml and pydantic (if installed) for Configuration.from_yaml
and from_pydantic, which we never use: that is about a sixth of an offline run's start-up. Both are
hidden while it loads and stay importable for whoever needs them afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Refuse:
    """A meta-path finder that makes importing some modules fail, as if they were not installed."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"{name} is hidden while dependency-injector loads", name=name)
        return None


@contextmanager
def _hidden(*modules: str) -> Iterator[None]:
    """`import name` fails inside the block for these modules, unless something imported them already."""
    finder = _Refuse([name for name in modules if name not in sys.modules])
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with _hidden("yaml", "pydantic_settings", "pydantic"):
    from dependency_injector import containers, providers

__all__ = ["containers", "providers"]
