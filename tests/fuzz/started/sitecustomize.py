"""Tells the interrupt fuzz test when a child interpreter is up (its own signal handling is in place).

Python imports `sitecustomize` at start-up from its path; tests/fuzz/test_interrupt_fuzz.py puts this
directory on the child's PYTHONPATH and names a file in AGENTIC_SYNTH_FUZZ_STARTED. A signal before
this moment reaches an interpreter that is still starting, which no program can handle.
"""

import os

_marker = os.environ.get("AGENTIC_SYNTH_FUZZ_STARTED")
if _marker:
    with open(_marker, "w", encoding="utf-8"):
        pass
