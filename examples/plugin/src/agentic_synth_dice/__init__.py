"""An example agentic-synth plugin: a generator of dice rolls."""

from __future__ import annotations

from typing import Any

from agentic_synth import CustomGenerator, GenerationRequest, OptionSpec, UsageError


def _positive(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise UsageError(f"expected a whole number >= 1, got {value!r}")
    return number


class DiceGenerator(CustomGenerator):
    """Each record: the rolls of `dice` dice with `sides` sides, and their total."""

    type = "dice"
    description = "dice rolls (an example plugin)"
    options = (OptionSpec("sides", _positive, 6, "sides per die"),
               OptionSpec("dice", _positive, 2, "dice per roll"))

    def generate_record(self, request: GenerationRequest, index: int) -> dict[str, Any]:
        rng = self.random(request, index)
        rolls = [rng.randint(1, request.option("sides")) for _ in range(request.option("dice"))]
        return {"roll": index + 1, "total": sum(rolls), "rolls": rolls}
