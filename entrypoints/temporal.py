"""Which TemporalAnalyzer a run uses: midstreamer through Node when installed, else the numpy reference (a notice)."""

from __future__ import annotations

from agentic_synth.adapters.integrations.midstreamer import MidstreamerTemporalAnalyzer, unavailable_reason
from agentic_synth.adapters.integrations.temporal_numpy import NumpyTemporalAnalyzer
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import TemporalAnalyzer

ANALYZERS = ("auto", "midstreamer", "numpy")


def temporal_analyzer(choice: str = "auto") -> tuple[TemporalAnalyzer, str | None]:
    """The analyzer, and a notice when `auto` falls back to numpy (never an import error: the numbers are the same)."""
    if choice not in ANALYZERS:
        raise UsageError(f"--analyzer: '{choice}' is not one of {', '.join(ANALYZERS)}")
    if choice == "numpy":
        return NumpyTemporalAnalyzer(), None
    reason = unavailable_reason()
    if reason is None:
        return MidstreamerTemporalAnalyzer(), None
    if choice == "midstreamer":
        raise UsageError(f"--analyzer midstreamer: {reason}")
    return NumpyTemporalAnalyzer(), (f"agentic-synth: {reason}; comparing with the numpy reference implementation "
                                     "(the same numbers as midstreamer 0.2.5)")
