"""A pytest plugin for hunting leaked sockets: collect garbage after each test, so a ResourceWarning lands on the
test that leaked (run: python -X tracemalloc=25 -m pytest -p tests.leakhunt -W error::ResourceWarning)."""

import gc

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):  # type: ignore[no-untyped-def]
    yield
    gc.collect()
    gc.collect()
