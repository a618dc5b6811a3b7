"""ProviderLease: the providers an SDK call connected are closed when the last such call ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class ProviderLease:
    """Counts the SDK calls in progress on a container (threads and async runs overlap).

    When the first call starts and the container's providers are not connected yet, the calls own
    them: once the last call ends, their HTTP clients are closed (a later call connects again).
    Providers connected before (a caller holding a model stack, `with AgenticSynth() as synth`)
    stay open for the caller to close.
    """

    def __init__(self, resource: Any) -> None:
        self._resource = resource  # the container's provider_models Resource
        self._lock = threading.Lock()
        self._calls = 0
        self._owned = False

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._calls == 0:
                self._owned = not self._resource.initialized
            self._calls += 1
        try:
            yield
        finally:
            with self._lock:
                self._calls -= 1
                if self._calls == 0 and self._owned and self._resource.initialized:
                    self._resource.shutdown()
