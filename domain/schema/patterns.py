"""The regular expressions of schemas, compiled and parsed without Python's FutureWarning.

Python warns about a `[` inside a set (`[[:alpha:]]`: "Possible nested set"), which ECMA-262 and
today's Python both read as a literal `[`. A schema's pattern is a value, not our code, so the warning
is noise on a user's terminal (and an error where warnings are errors). Compiled here first, the
pattern is in `re`'s cache: the engine's, `validate`'s and the jsonschema library's later uses of it
find it there and do not warn either.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from typing import Any

try:  # Python 3.11+
    import re._parser as sre_parse
except ImportError:  # Python 3.10
    import sre_parse


@contextlib.contextmanager
def quiet_patterns() -> Iterator[None]:
    """Patterns parsed inside (by us or by a library, such as rstr drawing values) do not warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield


def compile_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    with quiet_patterns():
        return re.compile(pattern, flags)


def parse_pattern(pattern: str) -> Any:
    """The parsed form (`re._parser.parse`) the generators walk."""
    with quiet_patterns():
        return sre_parse.parse(pattern)
