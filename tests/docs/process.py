"""The process plumbing of a docs session: a copy of the repository, one terminal for stdout and stderr,
deadlines, per-command variables and working directory."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class Timeout(BaseException):
    """Raised in a block that ran past TIMEOUT (a BaseException, so no `except Exception` swallows it)."""


def repository_files(repo: Path) -> list[Path]:
    """What a clone holds (tracked and new files, not ignored ones); without git, the tree minus caches."""
    try:
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=repo, check=True,
                                capture_output=True).stdout.decode().split("\0")
        return [Path(name) for name in listed if name and (repo / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [p.relative_to(repo) for p in repo.rglob("*") if p.is_file()
                and not any(part.startswith(".") or part == "__pycache__" or part.endswith(".egg-info")
                            for part in p.relative_to(repo).parts)]


def copy_repository(repo: Path, files: list[Path], into: Path) -> Path:
    for name in files:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    return into


class Captured:
    """What a terminal showed: an unbuffered file, so a child process given `sys.stderr` writes into it too."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115 - closed by close(), when the terminal ends
        self.value: bytes | None = None

    def close(self) -> None:
        self.file.seek(0)
        self.value = self.file.read()
        self.file.close()

    def getvalue(self) -> bytes:
        """Everything written, once the terminal is closed."""
        assert self.value is not None, "read the terminal after its `with` block"
        return self.value


@contextlib.contextmanager
def terminal() -> Iterator[Captured]:
    """stdout and stderr into one file, interleaved as a terminal shows them."""
    captured = Captured()
    out = io.TextIOWrapper(captured.file, encoding="utf-8", write_through=True)  # type: ignore[type-var]
    err = io.TextIOWrapper(captured.file, encoding="utf-8", write_through=True)  # type: ignore[type-var]
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        yield captured
    finally:
        sys.stdout, sys.stderr = saved
        for stream in (out, err):
            stream.flush()
            stream.detach()
        captured.close()


@contextlib.contextmanager
def deadline(seconds: float, *, interrupt: bool = False) -> Iterator[None]:
    """After `seconds`, raise KeyboardInterrupt (as Ctrl-C would) or Timeout in the running code."""

    def fire(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt if interrupt else Timeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """`NAME=value command`: the variables for one command, then as they were."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def release_leftovers() -> None:
    """Collect the objects the page's in-process runs left (a run's model clients keep their sockets until
    garbage collection: the product does not close them yet), so their ResourceWarnings do not land in
    an unrelated test later."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
