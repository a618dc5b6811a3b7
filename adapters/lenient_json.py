"""repair_json: the json-repair library as the reply reader's repair function (Python literals, trailing commas...)."""

from __future__ import annotations

from typing import Any


def repair_json(text: str) -> Any:
    """The JSON value a lenient text most likely means (single quotes, True/None, trailing commas, comments,
    missing quotes); None when it holds none."""
    import json_repair  # imported when a reply first needs it: strict JSON never does

    value = json_repair.loads(text)
    return None if value == "" else value
