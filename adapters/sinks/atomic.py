"""AtomicFile: write to a temporary file beside the target, rename on commit, delete on abort."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from agentic_synth.domain.errors import UsageError


class AtomicFile:
    """A binary file that appears under its name only when committed."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        directory = self.target.parent if str(self.target.parent) else Path(".")
        if not directory.is_dir():
            raise UsageError(f"output: directory '{directory}' does not exist")
        if self.target.is_dir():
            raise UsageError(f"output: '{self.target}' is a directory")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=directory)
        except OSError as exc:
            raise UsageError(f"output: cannot write in '{directory}': {exc.strerror}") from None
        self.temp_path = Path(tmp)
        self.handle: BinaryIO = os.fdopen(fd, "wb", buffering=1 << 20)

    def commit(self) -> None:
        try:
            self.handle.close()
            os.chmod(self.temp_path, 0o644)
            os.replace(self.temp_path, self.target)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp_path.unlink()


class StreamFile:
    """A file written in place (for --stream): every write is flushed, so readers see whole lines."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        try:
            self.handle: BinaryIO = open(self.target, "wb")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"output: cannot write '{self.target}': {exc.strerror}") from None

    def commit(self) -> None:
        self.handle.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
