"""JsonlStreamPipeline: records as JSON lines to a file, a named pipe or stdout, flushed chunk by chunk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.generation.records import RecordChunk


class JsonlStreamPipeline:
    """A live stream: each chunk is written and flushed as it is made, so a reader sees records at once.

    `target` '-' is stdout. A path is opened when the first chunk arrives (a named pipe blocks until
    its reader opens it) and truncated; unlike the output file it is not atomic: a failed run leaves
    what was already streamed, as any stream would.
    """

    def __init__(self, target: str, *, stdout: BinaryIO | None = None) -> None:
        if not target:
            raise UsageError("--stream-to jsonl needs a target: jsonl:PATH (a file or named pipe) or jsonl:-")
        if target != "-" and not Path(target).parent.is_dir():
            raise UsageError(f"--stream-to: directory '{Path(target).parent}' does not exist")
        self.target = target
        self._stdout = stdout
        self._handle: Any = None

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"JsonlStreamPipeline({self.target!r})"

    def send(self, chunk: RecordChunk) -> None:
        try:
            if self._handle is None:
                self._handle = self._open()
            dumps = orjson.dumps
            self._handle.write(b"".join(dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in chunk.rows()))
            self._handle.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise IntegrationError(f"cannot write to '{self.target}': {exc}", integration="stream") from exc

    def close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        if self.target == "-":
            handle.flush()
        else:
            handle.close()

    def _open(self) -> Any:
        if self.target == "-":
            return self._stdout if self._stdout is not None else sys.stdout.buffer
        return open(self.target, "wb")  # held open across chunks; close() closes it
