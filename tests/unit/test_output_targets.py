"""Output targets: whole writes after a signal, devices written through, links replaced, bad names refused."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from agentic_synth.adapters.sinks.atomic import (
    AtomicFile,
    PassThroughFile,
    StreamFile,
    WholeWrites,
    file_target,
    writes_through,
)
from agentic_synth.domain.errors import UsageError


class ShortWrites(io.BytesIO):
    """A handle that takes at most 7 bytes a call, as a pipe interrupted by a signal does."""

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        return super().write(bytes(memoryview(data)[:7]))


def test_whole_writes_finish_what_a_short_write_left() -> None:
    inner = ShortWrites()
    assert WholeWrites(inner).write(b"x" * 100) == 100  # type: ignore[arg-type]
    assert inner.getvalue() == b"x" * 100


def test_targets_by_what_is_at_the_path(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    assert writes_through(str(fifo)) and writes_through("-") and writes_through("/dev/fd/1")
    assert not writes_through(str(tmp_path / "new.jsonl"))
    for path, stream, kind in ((tmp_path / "a.jsonl", False, AtomicFile), (tmp_path / "b.jsonl", True, StreamFile),
                               ("/dev/stdout", False, PassThroughFile), (fifo, False, PassThroughFile)):
        if path == fifo:
            reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens for writing once it has a reader
        target = file_target(path, stream=stream)
        try:
            assert isinstance(target, kind), (path, target)
        finally:
            target.discard()
            if path == fifo:
                os.close(reader)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.jsonl", "f"]  # the atomic one left no .part file


def test_a_directory_and_a_socket_are_refused(tmp_path: Path) -> None:
    import socket

    with pytest.raises(UsageError, match="is a directory"):
        file_target(tmp_path)
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(UsageError, match="is a socket"):
            file_target(path)
    finally:
        server.close()


def test_the_atomic_path_replaces_a_symlink_and_never_writes_its_target(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.write_bytes(b"keep")
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    out = file_target(link)
    out.handle.write(b"new\n")
    out.commit()
    assert target.read_bytes() == b"keep" and link.read_bytes() == b"new\n" and not link.is_symlink()


CHILD = """
import sys
from agentic_synth.adapters.sinks.atomic import file_target
kept = file_target(sys.argv[1])
kept.handle.write(b"whole\\n")
kept.commit()
left = file_target(sys.argv[2])  # opened; the signal lands before any code answers for it
left.handle.write(b"half")
raise KeyboardInterrupt
"""


def test_a_temporary_file_nobody_committed_is_removed_when_the_process_ends(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", CHILD, "kept.jsonl", "left.jsonl"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert "KeyboardInterrupt" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.jsonl"]
    assert (tmp_path / "kept.jsonl").read_bytes() == b"whole\n"


def test_the_temporary_file_is_private_until_committed(tmp_path: Path) -> None:
    out = file_target(tmp_path / "a.jsonl")
    assert isinstance(out, AtomicFile) and out.temp_path.parent == tmp_path
    assert out.temp_path.name.startswith(".a.jsonl.") and out.temp_path.suffix == ".part"
    assert out.temp_path.stat().st_mode & 0o777 == 0o600
    out.commit()
    assert (tmp_path / "a.jsonl").stat().st_mode & 0o777 == 0o644 and not out.temp_path.exists()


FORKS = """
import os, sys
from agentic_synth.adapters.sinks.atomic import file_target
out = file_target(sys.argv[1])
out.handle.write(b"x\\n")
out.handle.flush()  # else the child writes the buffer a second time as it exits
pid = os.fork()
if pid == 0:
    sys.exit(0)  # a child that ends normally runs the exit cleanup: the file is its parent's
os.waitpid(pid, 0)
out.commit()
"""


def test_a_forked_child_leaves_its_parents_temporary_file_alone(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FORKS, "forked.jsonl"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["forked.jsonl"]
    assert (tmp_path / "forked.jsonl").read_bytes() == b"x\n"
