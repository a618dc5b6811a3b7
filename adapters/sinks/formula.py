"""CSV formula protection: the one rule for which text cells a spreadsheet would run, and its inverse.

A text cell is protected (written with a leading `'`) when, after any leading `'`s, it starts with
`=`, `@`, TAB or CR (OWASP's list), or with `+` or `-` and is not a plain literal: a number, a phone
number or an offset (digits, spaces and `( ) . , / : + -`), a number with an exponent, or an ISO date
or datetime. A literal can hold no function name, no cell reference and no `|` or `!`, so a
spreadsheet has nothing to run in it, and phones like `+1 273-766-0399` stay byte-identical. Numbers
chained by operators with nothing between them (`-2+3`, `+1*5`) are protected too: a spreadsheet would
compute them and show another value.
Cells that already start with `'` followed by something protectable get one more `'`, so reading
back (`unprotect`) is exact: it removes one leading `'` exactly where `protect` added one.

adapters/columns/cells.py applies the same rule column-wise: numpy finds the few cells that need a
look (a first byte in `'=@` TAB CR `+-`, and not a spaced literal), and this module decides for those.
"""

from __future__ import annotations

import re

TRIGGER = r"^'*[=@\t\r]"
SIGNED = r"^'*[+-]"
_LITERAL_BODY = (r"'*[+-](?:[0-9(][0-9 ().,/:+\-]*|[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+"
                 r"|[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)")
_ARITHMETIC = r"'*[+-][0-9.]+(?:[+\-*/^][0-9.]+)+"
_TRIGGER, _SIGNED = re.compile(TRIGGER), re.compile(SIGNED)
_LITERAL, _ARITHMETIC_RE = re.compile(_LITERAL_BODY), re.compile(_ARITHMETIC)


def needs_protection(value: str) -> bool:
    """Whether a spreadsheet could read `value` (after its leading quotes) as a formula to run."""
    if _TRIGGER.match(value):
        return True
    if not _SIGNED.match(value):
        return False
    return not _LITERAL.fullmatch(value) or bool(_ARITHMETIC_RE.fullmatch(value))


def protect(value: str) -> str:
    """The cell text for `value`: a leading `'` when needs_protection, else `value` unchanged."""
    return "'" + value if needs_protection(value) else value


def unprotect(text: str) -> str:
    """The value a protected cell holds (the inverse of `protect`)."""
    return text[1:] if text.startswith("'") and needs_protection(text[1:]) else text
