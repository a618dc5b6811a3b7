"""`python -m agentic_synth`."""

from agentic_synth.entrypoints.cli.main import run

run()
