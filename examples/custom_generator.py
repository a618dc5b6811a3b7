"""A custom generator registered with the SDK, seeded from the request like the built-in ones."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from agentic_synth import AgenticSynth, CustomGenerator, GenerationRequest, OptionSpec


class Dice(CustomGenerator):
    """Rolls of n six-sided dice."""

    type = "dice"
    description = "rolls of n dice"
    options = (OptionSpec("dice", int, 2, "dice per roll"),)

    def generate_batch(self, request: GenerationRequest) -> Iterator[dict[str, Any]]:
        rng = random.Random(request.seed)
        for i in range(request.count or 10):
            yield {"roll": i + 1, "total": sum(rng.randint(1, 6) for _ in range(request.option("dice")))}


synth = AgenticSynth()
synth.register_generator(Dice())
result = synth.generate("dice", schema={"roll": "integer", "total": "integer"}, count=10_000, seed=1, dice=3)
totals = [r["total"] for r in result.records]
print("generators:", synth.generators())
print(json.dumps({"records": len(totals), "min": min(totals), "max": max(totals),
                  "mean": round(sum(totals) / len(totals), 2)}))
