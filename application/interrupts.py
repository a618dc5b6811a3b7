"""Stop requests from signals: remembered by a flag, so a KeyboardInterrupt lost on the way still stops a run.

The CLI's SIGINT/SIGTERM handler calls `request_stop()` and raises KeyboardInterrupt when it returns
True. The flag outlives the exception: an interrupt raised where it cannot propagate (inside an
extension module's initialisation, in a `finally` that swallows it) is still seen by the generation
loop, which checks `stop_requested()` after every chunk. While a chunk is written (`shielded`), the
first request is only noted and the loop stops right after the write, so the records on disk and the
count in the stop message always agree; a second request interrupts at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_requested = threading.Event()
# Nesting of shielded sections, and whether a request arrived inside one. No lock: Python runs signal
# handlers in the main thread, between its bytecodes, so a lock held there would deadlock the handler.
_state = {"shielded": 0, "pending": 0}


def request_stop() -> bool:
    """Note a stop request (from a signal handler); True when the caller should raise KeyboardInterrupt now."""
    _requested.set()
    if _state["shielded"] and not _state["pending"]:
        _state["pending"] = 1
        return False
    return True


def stop_requested() -> bool:
    return _requested.is_set()


def clear() -> None:
    """Forget a request (a new run in the same process, tests)."""
    _requested.clear()
    _state["pending"] = 0


@contextmanager
def shielded(*, stop_after: bool = True) -> Iterator[None]:
    """Finish the block before a first stop request takes effect; then, with `stop_after`, raise it.

    Only the main thread is shielded (signal handlers run there); in any other thread, such as a batch
    job's, the block runs as it is and the job stops at its next `stop_requested()` check."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state["shielded"] += 1
    try:
        yield
    finally:
        _state["shielded"] -= 1
        pending = bool(_state["pending"]) and not _state["shielded"]
        if pending:
            _state["pending"] = 0
    if pending and stop_after:
        raise KeyboardInterrupt
