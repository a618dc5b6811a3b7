"""Outside text on a terminal: key-shaped values masked, control characters escaped."""

from __future__ import annotations

import pytest

from agentic_synth.domain.config.display import escape_controls, looks_like_key, mask_keys, safe_text, shown
from agentic_synth.domain.errors import ConfigError


@pytest.mark.parametrize("key", ["sk-pasted-0123456789abcdefABCDEF", "sk-or-v1-" + "a" * 40,
                                 "AIzaSyD-abcdefghijklmnopqrstuvwxyz0123456", "ghp_" + "A1b2" * 9,
                                 "AKIAIOSFODNN7EXAMPLE", "Ab3" * 11])
def test_key_shaped_values_are_masked(key: str) -> None:
    assert looks_like_key(key) and mask_keys(f"'{key}' is wrong") == "'***' is wrong"


@pytest.mark.parametrize("text", ["550e8400e29b41d4a716446655440000", "/tmp/pytest-of-root/pytest-1/x_y_z",
                                  "openai-compatible-provider-name-very-long", "models.catalog.gpt-4o-mini"])
def test_ordinary_identifiers_and_paths_are_left_alone(text: str) -> None:
    assert not looks_like_key(text) and mask_keys(text) == text


def test_controls_bidi_and_surrogates_are_shown_as_escapes() -> None:
    assert escape_controls("a\x1b]0;t\x07b\u202ec\udc80\td\n") == "a\\x1b]0;t\\x07b\\u202ec\\udc80\td\n"


def test_safe_text_masks_given_secrets_too_and_shown_cuts_long_values() -> None:
    assert safe_text("dir /x/plainsecret/y", ["plainsecret"]) == "dir /x/***/y"
    assert len(shown("x" * 500)) == 80


def test_a_config_error_masks_and_escapes_its_own_message() -> None:
    error = ConfigError("providers.my.baseUrl: 'sk-pasted-0123456789abcdefABCDEF' is not \x1b[2J an URL")
    assert str(error) == "providers.my.baseUrl: '***' is not \\x1b[2J an URL"
