"""The console script's interrupt handler: KeyboardInterrupt, except inside an import, where it waits for the end."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from agentic_synth.entrypoints.cli import launcher


def test_an_interrupt_during_an_import_is_delivered_again_once_the_import_is_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    delivered: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: delivered.append(signum))
    try:
        (tmp_path / "interrupted_while_imported.py").write_text(
            "import signal, sys\nfrom agentic_synth.entrypoints.cli import launcher\n"
            "launcher._interrupted(signal.SIGUSR1, sys._getframe())\nDONE = True\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        import interrupted_while_imported  # type: ignore[import-not-found]  # no KeyboardInterrupt in here

        assert interrupted_while_imported.DONE
        deadline = time.monotonic() + 5
        while not delivered and time.monotonic() < deadline:
            time.sleep(0.005)
        assert delivered == [signal.SIGUSR1]
    finally:
        signal.signal(signal.SIGUSR1, previous)
        sys.modules.pop("interrupted_while_imported", None)


def test_an_interrupt_anywhere_else_is_a_keyboard_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt):
        launcher._interrupted(signal.SIGINT, sys._getframe())
