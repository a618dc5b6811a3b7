"""DaemonPool: a bounded pool of daemon threads for model calls, so Ctrl-C never waits for a slow server."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

_STOP = object()


class DaemonPool:
    """Runs submitted calls on at most `max_workers` daemon threads, in submission order.

    Unlike ThreadPoolExecutor, whose threads the interpreter joins at exit, an interrupted run
    does not wait here for calls still in flight: their threads are abandoned (their replies were
    not written, and the output already holds only whole records). `shutdown` drops calls that
    have not started.
    """

    def __init__(self, max_workers: int, name: str = "agentic-synth-worker") -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        self._max = max_workers
        self._name = name
        self._tasks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> DaemonPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `fn(*args)` on a worker; the future holds its result or its error."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is shut down")
            self._tasks.put((future, fn, args))
            if len(self._threads) < self._max:
                thread = threading.Thread(target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is _STOP:
                return
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)

    def shutdown(self) -> None:
        """Start nothing more (calls not started are cancelled); the threads end after their current call."""
        with self._lock:
            self._closed = True
            while True:
                try:
                    task = self._tasks.get_nowait()
                except queue.Empty:
                    break
                if task is not _STOP:
                    task[0].cancel()
            for _ in self._threads:
                self._tasks.put(_STOP)
