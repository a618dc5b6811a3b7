"""The fuzz suite's fixtures: one CLI worker per module, and the figures written when the session ends."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fuzz.promises import FIGURES, SURVEY, dump_figures
from tests.fuzz.runner import CliWorker
from tests.fuzz.strategies import SECRET


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow profile runs only when selected (`-m fuzz_slow`); the default suite runs the fast one."""
    if "fuzz_slow" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="slow fuzz profile: run with -m fuzz_slow (tools/reliability.py does)")
    for item in items:
        if "fuzz_slow" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session) -> None:
    dump_figures(os.environ.get("PYTEST_XDIST_WORKER", "main"))


@pytest.fixture(scope="module")
def worker() -> Iterator[CliWorker]:
    with CliWorker(timeout_s=float(os.environ.get("AGENTIC_SYNTH_FUZZ_TIMEOUT", "20")),
                   env={"FUZZ_SECRET": SECRET}) as child:
        yield child


@pytest.fixture(autouse=True)
def _survey_fails_at_the_end(request: pytest.FixtureRequest) -> Iterator[None]:
    """In survey mode a test counts every broken promise, then fails once with all of them."""
    before = len(FIGURES.broken)
    yield
    if SURVEY and len(FIGURES.broken) > before:
        broken = FIGURES.broken[before:]
        pytest.fail(f"{len(broken)} broken promises, e.g. " + "; ".join(f"{b['promise']}: {b['detail'][:200]}"
                                                                       for b in broken[:3]), pytrace=False)
