"""Tells the interrupt fuzz test when a child's own code starts: the first line of `agentic_synth`.

Python imports `sitecustomize` at start-up from its path; tests/fuzz/test_interrupt_fuzz.py puts this
directory on the child's PYTHONPATH and names a file in AGENTIC_SYNTH_FUZZ_STARTED. An audit hook writes
that file when the package's `__init__` is about to run (the `exec` audit event of its code). A signal
before that moment reaches an interpreter that is still starting (`site`, `runpy`), which no program can
handle; from it on, the package's first line holds the signal until the launcher takes over.
"""

import os
import sys

_marker = os.environ.get("AGENTIC_SYNTH_FUZZ_STARTED")


def _hook(event: str, args: tuple) -> None:
    global _marker
    if _marker and event == "exec" and getattr(args[0], "co_filename", "").endswith(
            os.path.join("agentic_synth", "__init__.py")):
        marker, _marker = _marker, None
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o644))


if _marker:
    sys.addaudithook(_hook)
