"""DaemonPool: model calls on daemon threads, so an interrupted run never waits for a slow server."""

from __future__ import annotations

import threading

import pytest

from agentic_synth.application.workers import DaemonPool


def test_calls_run_on_at_most_max_workers_daemon_threads_and_their_results_come_back() -> None:
    threads: set[threading.Thread] = set()
    lock = threading.Lock()

    def call(n: int) -> int:
        with lock:
            threads.add(threading.current_thread())
        return n * n

    with DaemonPool(2) as pool:
        futures = [pool.submit(call, n) for n in range(10)]
        assert [f.result(timeout=5) for f in futures] == [n * n for n in range(10)]
    assert 1 <= len(threads) <= 2 and all(t.daemon for t in threads)


def test_an_error_of_a_call_is_held_by_its_future() -> None:
    def fail() -> None:
        raise KeyError("boom")

    with DaemonPool(1) as pool:
        future = pool.submit(fail)
        with pytest.raises(KeyError, match="boom"):
            future.result(timeout=5)


def test_shutdown_cancels_the_calls_not_started_and_refuses_new_ones() -> None:
    gate, started = threading.Event(), threading.Event()

    def block() -> str:
        started.set()
        gate.wait(5)
        return "done"

    pool = DaemonPool(1)
    running = pool.submit(block)
    assert started.wait(5)
    waiting = pool.submit(block)
    pool.shutdown()
    gate.set()
    assert running.result(timeout=5) == "done" and waiting.cancelled()
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(block)
