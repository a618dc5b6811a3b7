"""The console script's first moments: signal handling before anything slow is imported, then the CLI."""

from __future__ import annotations

import gc
import signal
import sys
from types import FrameType

from agentic_synth.domain.errors import ExitCode  # stdlib only: cheap enough to precede the handlers


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (`kill PID`, a container stopping) ends a run the way Ctrl-C does: whole files only."""
    raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point: Ctrl-C or SIGTERM at any moment is one line and exit 130."""
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        from agentic_synth.entrypoints.cli.main import main  # the slow part: click, then what the command needs

        gc.freeze()  # import-time objects live for the whole run: spare the cycle collector rescanning them
        code = main()
    except KeyboardInterrupt:  # during those imports, before main() has its own handler
        sys.stderr.write("error: interrupted\n")
        code = ExitCode.INTERRUPTED
    for signum in (signal.SIGINT, signal.SIGTERM):  # the run is over: nothing is left to interrupt
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(code)
