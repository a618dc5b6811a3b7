"""Showing outside text safely: values that look like API keys masked, control characters escaped.

Anything that came from outside (a config value, an environment variable, a provider's error body,
a model's reply) may hold a pasted key or terminal escape sequences (`ESC ] 0 ; title BEL` renames
the window; CSI sequences move the cursor or clear the screen). `safe_text` is applied to every line
the CLI prints about such things; `shown` is how a message quotes one value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Key formats of the providers people paste by mistake, and long mixed-case tokens in general.
_KEY_SHAPES = re.compile(
    r"sk-[A-Za-z0-9_-]{16,}"  # OpenAI, OpenRouter (sk-or-v1-), Anthropic (sk-ant-)
    r"|AIza[0-9A-Za-z_-]{30,}"  # Google API keys
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|hf_[A-Za-z0-9]{30,}"  # Hugging Face
    r"|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])"  # any long token (checked for mixed case below)
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)


def _mixed(token: str) -> bool:
    return any(c.isdigit() for c in token) and any(c.islower() for c in token) and any(c.isupper() for c in token)


def _mask(match: re.Match[str]) -> str:
    token = match.group(0)
    generic = not token.startswith(("sk-", "AIza", "gh", "github_pat_", "xox", "AKIA", "ASIA", "hf_"))
    return token if generic and not _mixed(token) else MASK


def looks_like_key(text: str) -> bool:
    """Does `text` hold something shaped like an API key?"""
    return any(_mask(m) == MASK for m in _KEY_SHAPES.finditer(text))


def mask_keys(text: str) -> str:
    """`text` with every key-shaped run replaced by `***`."""
    return _KEY_SHAPES.sub(_mask, text)


def escape_controls(text: str) -> str:
    """Control characters (tab and newline stay), bidi overrides and lone surrogates as visible escapes
    (`\\x1b`, `\\u202e`), so that nothing in `text` acts on the terminal it is printed to."""
    return _CONTROLS.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def safe_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` fit for a terminal or a log: the given secret values and key-shaped runs masked, controls escaped."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return escape_controls(mask_keys(text))


def shown(value: object) -> str:
    """A value as an error message quotes it: masked when key-shaped, escaped, and cut after 80 characters."""
    text = safe_text(str(value))
    return text if len(text) <= 80 else text[:79] + "…"
