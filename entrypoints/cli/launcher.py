"""The console script's first moments: signal handling before anything slow is imported, then the CLI."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from types import FrameType

from agentic_synth.domain.errors import ExitCode  # stdlib only: cheap enough to precede the handlers

RETRY_S = 0.02  # how soon an interrupt that arrived during an import is delivered again


def _importing(frame: FrameType | None) -> bool:
    """Is the interpreter inside an import (the import system's frames are on the stack)?"""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C, and SIGTERM (`kill PID`, a container stopping), end a run the same way: KeyboardInterrupt,
    whole files only. Not in the middle of an import, though: an extension module interrupted while it
    initialises (orjson, numpy) can crash the interpreter, so the signal is delivered again a moment later."""
    if _importing(frame):
        threading.Timer(RETRY_S, os.kill, (os.getpid(), signum)).start()
        return
    from agentic_synth.application.interrupts import request_stop  # stdlib only; not before the handlers

    if request_stop():  # remembered too (application/interrupts.py): a chunk being written is finished first
        raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point: Ctrl-C or SIGTERM at any moment is one line and exit 130."""
    # The CLI owns its process: Arrow allocates with its bundled jemalloc (Linux wheels have it), not
    # mimalloc, which kept ~25 MB more resident through a Parquet run, nor malloc, whose heap the Parquet
    # writer's buffers fragmented run after run: 130-194 MB peak at 10M records, 125 MB with jemalloc
    # (docs/performance.md). Elsewhere malloc. A user's setting wins.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc" if sys.platform == "linux" else "system")
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupted)
    from agentic_synth import EARLY_SIGNALS  # held while the package itself was imported (agentic_synth/__init__.py)

    try:
        for held in EARLY_SIGNALS[:1]:
            _interrupted(held, None)
        from agentic_synth.entrypoints.cli.main import main  # the slow part: click, then what the command needs

        gc.freeze()  # import-time objects live for the whole run: spare the cycle collector rescanning them
        code = main()
    except KeyboardInterrupt:  # during those imports, before main() has its own handler
        sys.stderr.write("error: interrupted\n")
        code = ExitCode.INTERRUPTED
    for signum in (signal.SIGINT, signal.SIGTERM):  # the run is over: nothing is left to interrupt
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(code)
