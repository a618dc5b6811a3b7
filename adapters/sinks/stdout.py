"""StdoutTarget: the process's standard output as a sink target (JSONL by default)."""

from __future__ import annotations

import contextlib
import sys
from typing import BinaryIO

from agentic_synth.adapters.sinks.atomic import WholeWrites


class StdoutTarget:
    """Writes to sys.stdout's binary buffer; commit flushes, discard flushes what was written."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        # a signal can cut a write to a pipe short: WholeWrites finishes it
        self.handle: BinaryIO = WholeWrites(stream if stream is not None else sys.stdout.buffer)  # type: ignore[assignment]
        self.target = None

    def commit(self) -> None:
        self.handle.flush()

    def discard(self) -> None:
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.handle.flush()
