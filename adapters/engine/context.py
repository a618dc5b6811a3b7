"""Ctx: what a column maker of the engine gets (the field's rng, chunk size and offset, locale, siblings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from agentic_synth.domain.schema.schema import Field


@attrs.define
class Ctx:
    """What a column maker needs: the field's rng, the chunk size and offset, the locale, the siblings."""

    rng: np.random.Generator
    n: int
    offset: int
    locale: str
    siblings: dict[str, tuple[Field, Sequence[Any]]]
    seed: int

    def sibling(self, *types: str) -> Sequence[Any] | None:
        for field, values in self.siblings.values():
            if field.type in types:
                return values
        return None
