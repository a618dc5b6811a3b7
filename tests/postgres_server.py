"""The PostgreSQL server of the tests: from AGENTIC_SYNTH_POSTGRES_URL (tools/services/postgres.sh start).

Without it the PostgreSQL tests are skipped with the reason; with AGENTIC_SYNTH_REQUIRE_POSTGRES=1
(what the script exports, and so .ci/run) a missing server fails them instead. Each test gets a
database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

URL_VARIABLE = "AGENTIC_SYNTH_POSTGRES_URL"
REQUIRE_VARIABLE = "AGENTIC_SYNTH_REQUIRE_POSTGRES"


def server_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    reason = None
    if not url:
        reason = f"no PostgreSQL server: run `eval \"$(bash tools/services/postgres.sh start)\"` (sets {URL_VARIABLE})"
    else:
        try:
            import psycopg
        except ImportError:
            reason = "psycopg is not installed (pip install -e '.[test]')"
        else:
            try:
                psycopg.connect(url, connect_timeout=5).close()
            except psycopg.Error as exc:
                reason = f"the PostgreSQL server at {URL_VARIABLE} does not answer: {exc}"
    if reason is not None:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {reason}")
        pytest.skip(reason)
    assert url is not None
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the test server; its URL."""
    import psycopg

    base = server_url()
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
