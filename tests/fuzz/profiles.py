"""How hard each fuzz test tries: a fast profile in the default suite, a slow one behind the `fuzz_slow` marker.

`.ci/run` runs the slow profile on request (AGENTIC_SYNTH_FUZZ_SLOW=1) through tools/reliability.py, which runs it and
writes its figures to docs/reliability.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings


@dataclass(frozen=True)
class Profile:
    schemas: int  # through the command (a CLI child), per schema spelling (compact, JSON Schema)
    sdk_schemas: int  # through the SDK in the test process, per schema spelling
    limits: int
    configs: int
    argv: int
    batch: int
    providers: int
    interrupts: int


FAST = Profile(schemas=25, sdk_schemas=25, limits=15, configs=15, argv=30, batch=8, providers=5, interrupts=2)
# The floor is 10,000 schema examples: 3,600 go through the command (generate, then validate, in a CLI
# child) and 7,000 through the SDK in-process, where an example costs a tenth as much (docs/reliability.md).
_FULL = Profile(schemas=1_500, sdk_schemas=3_500, limits=600, configs=600, argv=1_000, batch=300, providers=200,
                interrupts=100)
# AGENTIC_SYNTH_FUZZ_SCALE shrinks the slow profile for a quick survey (0.1: a tenth of every figure).
_SCALE = float(os.environ.get("AGENTIC_SYNTH_FUZZ_SCALE", "1"))
SLOW = Profile(**{k: max(1, round(v * _SCALE)) for k, v in vars(_FULL).items()})


def fuzz_settings(profile: Profile, examples: int) -> settings:
    """Hypothesis settings of a fuzz test: no deadline (runs go through a child process), no database
    (a failure prints its example), the slow-data checks off. The fast profile draws the same examples
    every time (the default suite is reproducible); the slow one explores anew on each run."""
    return settings(max_examples=examples, deadline=None, database=None, derandomize=profile is FAST,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
