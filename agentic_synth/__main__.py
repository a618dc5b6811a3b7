"""`python -m agentic_synth`."""

from agentic_synth.entrypoints.cli.launcher import run

run()
