"""Tells the interrupt fuzz test when a child's own code holds signals: just after `agentic_synth`'s first lines.

Python imports `sitecustomize` at start-up from its path; tests/fuzz/test_interrupt_fuzz.py puts this
directory on the child's PYTHONPATH and names a file in AGENTIC_SYNTH_FUZZ_STARTED. An audit hook writes
that file at the first audit event after the package's `__init__` has installed its holding handlers (its
module holds EARLY_SIGNALS and no longer `_signal`). A signal before that moment reaches an interpreter
that is still starting (`site`, `runpy`) or the few statements before the handlers exist, which no
program can handle (the full profile once landed a SIGTERM there: exit -15); from it on, the package
holds the signal until the launcher takes over.
"""

import os
import sys

_marker = os.environ.get("AGENTIC_SYNTH_FUZZ_STARTED")
_seen = False


def _hook(event: str, args: tuple) -> None:
    global _marker, _seen
    if not _marker:
        return
    if not _seen:
        _seen = event == "exec" and getattr(args[0], "co_filename", "").endswith(
            os.path.join("agentic_synth", "__init__.py"))
        return
    package = sys.modules.get("agentic_synth")
    names = getattr(package, "__dict__", {})
    if "EARLY_SIGNALS" in names and "_signal" not in names:
        marker, _marker = _marker, None
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY, 0o644))


if _marker:
    sys.addaudithook(_hook)
