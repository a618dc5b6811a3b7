"""Reading the usage a provider reports: token counts are whole numbers >= 0, anything else is unknown."""

from __future__ import annotations

import math
from typing import Any


def token_count(value: Any) -> int | None:
    """A reported token count, or None when it is not one (negative, a string, a bool, NaN, missing).

    A count the server got wrong is not repaired here: None tells the budget layer to charge the
    most the request could have cost instead of trusting it.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and math.isfinite(value) and value >= 0 and value.is_integer():
        return int(value)
    return None


def reported_usage(tokens_in: Any, tokens_out: Any) -> tuple[int, int, bool]:
    """(tokens in, tokens out, whether both were real counts); an unknown count reads as 0."""
    counted_in, counted_out = token_count(tokens_in), token_count(tokens_out)
    return counted_in or 0, counted_out or 0, counted_in is not None and counted_out is not None
