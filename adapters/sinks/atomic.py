"""Output targets: a temporary file renamed into place, a file written in place, or a device written through.

`file_target(path, stream=...)` chooses: a regular file (or none yet) is written to a temporary file
beside it and renamed on commit (`AtomicFile`), or, for `--stream`, written in place (`StreamFile`);
a character device, a FIFO, and the process's own descriptors (`/dev/stdout`, `/dev/fd/N`) are
written through and never replaced (`PassThroughFile`). A symbolic link is replaced by the new file,
never followed: the file it points to is left as it was. Anything else (a directory, a socket, a
block device) is refused before anything is written.

Every temporary file is registered before it is created and forgotten once renamed or removed; what
is still registered when the interpreter exits (an interrupt that landed between opening an output
and the code that answers for it) is removed then, so no `.part` file outlives its process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

from agentic_synth.domain.errors import UsageError

_OWN_FD = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_OWN_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
NAME_MAX = 255  # bytes of one path component on every common file system
_UNCOMMITTED: set[Path] = set()  # this process's temporary files not yet renamed into place or removed


if hasattr(os, "register_at_fork"):  # a forked child inherits the set, not the files: they are its parent's
    os.register_at_fork(after_in_child=_UNCOMMITTED.clear)


@atexit.register
def _remove_uncommitted() -> None:
    for path in list(_UNCOMMITTED):
        with contextlib.suppress(OSError):
            path.unlink()
    _UNCOMMITTED.clear()


def _temporary(target: Path, directory: Path) -> tuple[int, Path]:
    """A new temporary file beside `target` (mode 0600), registered before it exists: a signal at any
    moment leaves either no file or a registered one."""
    for _ in range(100):
        path = directory / f".{target.name}.{secrets.token_hex(4)}.part"
        _UNCOMMITTED.add(path)
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600), path
        except FileExistsError:
            _UNCOMMITTED.discard(path)
        except BaseException:
            _UNCOMMITTED.discard(path)
            raise
    raise FileExistsError(f"no free temporary name beside '{target}'")


def _forget(path: Path) -> None:
    _UNCOMMITTED.discard(path)


class WholeWrites:
    """A binary handle whose `write` always writes everything it is given.

    A write to a pipe, a FIFO or a terminal that a signal interrupts returns after part of the data
    (CPython's BufferedWriter reports the short count); a sink that ignored it would lose the rest of
    the chunk and end with half a record. Everything else is the wrapped handle's.
    """

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            written = self._inner.write(view[done:])
            done += written or 0
        return done

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def _directory(target: Path) -> Path:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"output: directory '{directory}' does not exist")
    return directory


def check_name(target: Path) -> None:
    """An output name no file system takes (a NUL, a component over 255 bytes) is refused up front."""
    text = str(target)
    if "\x00" in text:
        raise UsageError(f"output: {text!r} holds a NUL character")
    try:
        too_long = [part for part in target.parts if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX]
    except UnicodeEncodeError:
        raise UsageError(f"output: {text!r} is not a valid file name") from None
    if too_long:
        raise UsageError(f"output: the name '{too_long[0][:40]}…' is longer than {NAME_MAX} bytes")


class AtomicFile:
    """A binary file that appears under its name only when committed (a symlink there is replaced, not followed)."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        check_name(self.target)
        directory = _directory(self.target)
        if self.target.is_dir():
            raise UsageError(f"output: '{self.target}' is a directory")
        try:
            fd, self.temp_path = _temporary(self.target, directory)
        except OSError as exc:
            raise UsageError(f"output: cannot write in '{directory}': {exc.strerror}") from None
        self.handle: BinaryIO = os.fdopen(fd, "wb", buffering=1 << 20)

    def commit(self) -> None:
        try:
            self.handle.close()
            os.chmod(self.temp_path, 0o644)
            os.replace(self.temp_path, self.target)
        except BaseException:
            self.discard()
            raise
        _forget(self.temp_path)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp_path.unlink()
        _forget(self.temp_path)


class StreamFile:
    """A file written in place (for --stream): every write is flushed, so readers see whole lines.

    A symbolic link at the target is first replaced by an empty file of ours (a rename, so at no moment
    is the file it points to touched); the file is then filled in place.
    """

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        check_name(self.target)
        directory = _directory(self.target)
        try:
            if self.target.is_symlink():
                fd, tmp = _temporary(self.target, directory)
                os.chmod(tmp, 0o644)
                os.replace(tmp, self.target)
                _forget(tmp)
            else:
                fd = os.open(self.target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
            self.handle: BinaryIO = WholeWrites(os.fdopen(fd, "wb"))  # type: ignore[assignment]
        except OSError as exc:
            raise UsageError(f"output: cannot write '{self.target}': {exc.strerror}") from None

    def commit(self) -> None:
        self.handle.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()


class PassThroughFile:
    """A character device, a FIFO or one of the process's descriptors, written through (opened without
    truncating, never renamed or removed). What was written before a failure cannot be taken back."""

    def __init__(self, target: str | os.PathLike[str], fd: int | None = None) -> None:
        self.target = Path(target)
        try:
            raw = os.dup(fd) if fd is not None else os.open(self.target, os.O_WRONLY)
            self.handle: BinaryIO = WholeWrites(os.fdopen(raw, "wb"))  # type: ignore[assignment]
        except OSError as exc:
            raise UsageError(f"output: cannot write '{self.target}': {exc.strerror}") from None

    def commit(self) -> None:
        self.handle.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()


def _own_descriptor(path: str) -> int | None:
    if path in _OWN_STREAMS:
        return _OWN_STREAMS[path]
    match = _OWN_FD.match(path)
    return int(match.group(1)) if match else None


def writes_through(output: str | os.PathLike[str] | None) -> bool:
    """Is `output` stdout, a device, a FIFO or a descriptor of ours? What is written there cannot be taken back."""
    if output is None or str(output) == "-":
        return True
    path = str(output)
    if path.startswith("/") and _own_descriptor(os.path.normpath(path)) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def file_target(output: str | os.PathLike[str], *, stream: bool = False) -> AtomicFile | StreamFile | PassThroughFile:
    """The target for an output path (see the module docstring); refuses what cannot be written."""
    path = Path(output)
    check_name(path)
    fd = _own_descriptor(os.path.normpath(str(path)) if str(path).startswith("/") else "")
    if fd is not None:
        return PassThroughFile(path, fd)
    try:
        mode = os.stat(path).st_mode  # follows a symlink: what would a write reach?
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:
        raise UsageError(f"output: cannot use '{path}': {exc.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"output: '{path}' is a directory")
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return PassThroughFile(path)
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a socket" if stat.S_ISSOCK(mode) else "a block device" if stat.S_ISBLK(mode) else "not a file"
        raise UsageError(f"output: '{path}' is {kind}; write to a file, a character device or a FIFO")
    return StreamFile(path) if stream else AtomicFile(path)
