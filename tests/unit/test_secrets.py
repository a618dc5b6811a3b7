"""Secret keeps a key out of reprs, strings, formats, pickles and copies; redact() scrubs text."""

from __future__ import annotations

import copy
import pickle

import pytest

from agentic_synth.domain.config.secrets import Secret, redact

KEY = "sk-test-0123456789abcdefWXYZ"


def test_a_secret_shows_only_whether_it_is_set_and_its_last_four_characters() -> None:
    secret = Secret(KEY)
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret:>40}", f"{secret!r}", "%s" % (secret,)):  # noqa: UP031
        assert KEY not in shown
        assert KEY[:-4] not in shown
    assert secret.masked() == "set (…WXYZ)"
    assert secret.reveal() == KEY


def test_an_empty_or_missing_secret_is_not_set() -> None:
    assert Secret().masked() == Secret("").masked() == "not set"
    assert not Secret("") and not Secret(None)
    assert Secret("x").is_set


def test_a_short_key_shows_no_tail_at_all() -> None:
    assert Secret("abcd1234").masked() == "set"


def test_a_secret_refuses_to_be_pickled_so_it_never_reaches_a_cache_file() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Secret(KEY))


def test_copies_of_a_secret_are_the_same_secret_and_it_cannot_be_changed() -> None:
    secret = Secret(KEY)
    assert copy.deepcopy({"k": secret})["k"] is secret
    with pytest.raises(AttributeError):
        secret._value = "other"  # type: ignore[misc]


def test_secrets_compare_by_value_and_hash_alike() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert Secret(KEY) != Secret(KEY + "x")
    assert len({Secret(KEY), Secret(KEY)}) == 1


def test_a_secret_holds_only_text() -> None:
    with pytest.raises(TypeError):
        Secret(1234)  # type: ignore[arg-type]


def test_redact_replaces_every_set_secret_in_a_text() -> None:
    text = f"GET https://x/?key={KEY} failed; auth {KEY}"
    assert redact(text, [Secret(KEY), Secret()]) == "GET https://x/?key=*** failed; auth ***"
