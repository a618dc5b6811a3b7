"""StdoutTarget: the process's standard output as a sink target (JSONL by default)."""

from __future__ import annotations

import contextlib
import sys
from typing import BinaryIO


class StdoutTarget:
    """Writes to sys.stdout's binary buffer; commit flushes, discard flushes what was written."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self.handle: BinaryIO = stream if stream is not None else sys.stdout.buffer
        self.target = None

    def commit(self) -> None:
        self.handle.flush()

    def discard(self) -> None:
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.handle.flush()
