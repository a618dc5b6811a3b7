"""CSV formula protection: the one rule for which text cells a spreadsheet would run, and its inverse.

A text cell is protected (written with a leading `'`) when, after any leading `'`s, it starts with
`=`, `@`, TAB or CR (OWASP's list), or with `+` or `-` and is not a plain literal: a number, a phone
number or an offset (digits, spaces and `( ) . , / : + -`), a number with an exponent, or an ISO date
or datetime. A literal can hold no function name, no cell reference and no `|` or `!`, so a
spreadsheet has nothing to run in it, and phones like `+1 273-766-0399` stay byte-identical.
Cells that already start with `'` followed by something protectable get one more `'`, so reading
back (`unprotect`) is exact: it removes one leading `'` exactly where `protect` added one.

The patterns are RE2-compatible, so the Arrow path (adapters/columns/cells.py) applies the same rule.
"""

from __future__ import annotations

import re

TRIGGER = r"^'*[=@\t\r]"
SIGNED = r"^'*[+-]"
_LITERAL_BODY = (r"'*[+-](?:[0-9(][0-9 ().,/:+\-]*|[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+"
                 r"|[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)")
LITERAL = f"^{_LITERAL_BODY}$"  # RE2: `$` is the end of the text
_TRIGGER, _SIGNED, _LITERAL = re.compile(TRIGGER), re.compile(SIGNED), re.compile(_LITERAL_BODY)


def needs_protection(value: str) -> bool:
    """Whether a spreadsheet could read `value` (after its leading quotes) as a formula to run."""
    if _TRIGGER.match(value):
        return True
    return bool(_SIGNED.match(value)) and not _LITERAL.fullmatch(value)


def protect(value: str) -> str:
    """The cell text for `value`: a leading `'` when needs_protection, else `value` unchanged."""
    return "'" + value if needs_protection(value) else value


def unprotect(text: str) -> str:
    """The value a protected cell holds (the inverse of `protect`)."""
    return text[1:] if text.startswith("'") and needs_protection(text[1:]) else text
