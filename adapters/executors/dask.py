"""DaskTaskExecutor: batch tasks as Dask tasks, on a scheduler's cluster or on a LocalCluster started here.

Dask (`distributed`) is the optional extra `agentic-synth[dask]`, imported only when this executor is
built. Each submission returns a `concurrent.futures.Future`, so the batch waits on Dask tasks exactly as
it waits on a local process pool.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from agentic_synth.domain.errors import UsageError

LOCAL = "dask:local"
CONNECT_SECONDS = 10


class _DaskFuture(Future):  # type: ignore[type-arg]
    """A concurrent Future mirroring a Dask future; cancelling it cancels the Dask task."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner

    def cancel(self) -> bool:
        if self.done():
            return False
        with contextlib.suppress(Exception):
            self._inner.cancel()
        return super().cancel()


class DaskTaskExecutor:
    """Runs tasks on Dask: `scheduler` is tcp://host:8786 (a running cluster) or 'dask:local'."""

    def __init__(self, scheduler: str, workers: int) -> None:
        try:
            import distributed
        except ImportError:
            raise UsageError("--executor dask needs Dask: pip install 'agentic-synth[dask]'") from None
        self._cluster: Any = None
        self.scheduler = scheduler
        try:
            if scheduler == LOCAL:
                self._cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                         host="127.0.0.1", dashboard_address=None,
                                                         silence_logs=40)
                address: Any = self._cluster
            else:
                address = scheduler
            self._client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            self.shutdown()
            raise UsageError(f"--scheduler {scheduler}: no Dask scheduler answered ({exc})") from None

    @property
    def workers(self) -> int:
        return len(self._client.scheduler_info().get("workers", {}))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[type-arg]
        inner = self._client.submit(fn, *args, pure=False, **kwargs)
        outer = _DaskFuture(inner)

        def settle(done: Any) -> None:
            if not outer.set_running_or_notify_cancel():
                return
            try:
                outer.set_result(done.result())
            except BaseException as exc:  # the task's own error (or the worker's death) fails this task only
                outer.set_exception(exc)

        inner.add_done_callback(settle)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
