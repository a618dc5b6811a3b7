"""Overhead of the routing and budget layers per model call (no network: a fake model answers).

Run from the repository root: PYTHONPATH=. python benchmarks/bench_routing.py
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from agentic_synth.adapters.clock import SystemClock
from agentic_synth.domain.ai.models import ModelRequest
from agentic_synth.domain.ai.run_routing import RunRouting
from agentic_synth.domain.config.settings import Settings
from agentic_synth.entrypoints.model_stack import compose_model_stack
from tests.fakes import FakeTextModel

CALLS = 20_000
PROMPT = "Write 20 records as a JSON array for this schema: " + "x" * 1500


def measure(run: RunRouting, threads: int) -> float:
    providers = {"gemini": FakeTextModel.for_routing("gemini"), "openrouter": FakeTextModel.for_routing("openrouter")}
    stack = compose_model_stack(Settings(), providers, clock=SystemClock(), routing=run, warn=lambda m: None)
    request = ModelRequest(prompt=PROMPT, max_output_tokens=4096)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda _: stack.text_model.complete(request), range(CALLS)))
    return (time.perf_counter() - started) / CALLS * 1e6


if __name__ == "__main__":
    for label, run in (("auto-route, cost strategy", RunRouting()),
                       ("hybrid strategy", RunRouting(strategy="hybrid")),
                       ("hybrid + budget", RunRouting(strategy="hybrid", budget_usd=1e6))):
        for threads in (1, 8):
            print(f"{label:<28} threads={threads}: {measure(run, threads):7.1f} µs per call")
