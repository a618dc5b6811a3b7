"""CustomGenerator's contract, registration in code, and real-time pacing against a fake clock."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from agentic_synth import AgenticSynth, CustomGenerator, GenerationRequest, OptionSpec
from agentic_synth.adapters.engine.pacing import paced
from agentic_synth.domain.generation.records import RecordChunk
from tests.fakes import FakeClock
from tests.unit.series_helpers import columns, epoch_seconds


class Coins(CustomGenerator):
    type = "coins"
    description = "coin flips"
    options = (OptionSpec("bias", float, 0.5, "probability of heads"),)

    def generate_record(self, request: GenerationRequest, index: int) -> dict[str, Any]:
        heads = self.random(request, index).random() < request.option("bias")
        return {"n": index, "side": "heads" if heads else "tails"}


SCHEMA = {"n": "integer", "side": ["heads", "tails"]}


def test_a_generator_registered_in_code_runs_through_the_sdk_seeded(container):
    synth = AgenticSynth(container=container)
    synth.register_generator(Coins())
    first = synth.generate("coins", schema=SCHEMA, count=2000, seed=3, bias=0.8).records
    again = synth.generate("coins", schema=SCHEMA, count=2000, seed=3, bias=0.8).records
    assert first == again and [r["n"] for r in first] == list(range(2000))
    assert abs(sum(r["side"] == "heads" for r in first) / 2000 - 0.8) < 0.03
    assert "coins" in synth.generators()


def test_the_contract_methods_agree_and_validate_reports_violations(container):
    coins = Coins()
    synth = AgenticSynth(container=container)
    synth.register_generator(coins)
    request = synth.request("coins", schema=SCHEMA, count=5, seed=1)
    assert request.option("bias") == 0.5
    assert coins.generate(request) == list(coins.generate_stream(request)) == list(coins.generate_batch(request))
    assert [r for c in coins.chunks(request) for r in c.rows()] == coins.generate(request)
    assert coins.validate({"n": 1, "side": "heads"}, request.schema) == []
    assert [str(v) for v in coins.validate({"n": "x", "side": "edge"}, request.schema)] != []
    assert coins.options_schema() == [{"name": "bias", "default": 0.5, "help": "probability of heads"}]


def test_cli_generate_and_generators_list_see_a_registered_generator(container, run_cli, tmp_path):
    AgenticSynth(container=container).register_generator(Coins())
    code, out, err = run_cli("generate", "coins", "--schema", json.dumps(SCHEMA), "-n", "4", "--seed", "2",
                             "-O", "bias=1.0")
    assert code == 0, err
    assert [json.loads(line)["side"] for line in out.decode().splitlines()] == ["heads"] * 4
    code, out, _ = run_cli("generators", "list")
    assert code == 0 and "coins" in out.decode() and "-O bias=..." in out.decode()


def test_pacing_releases_each_record_when_the_clock_reaches_its_time():
    clock = FakeClock(start=0.0)
    due = np.array([0.0, 0.0, 0.5, 1.25, 3.0])
    chunk = RecordChunk.from_columns({"i": list(range(5))})
    released = []
    for part in paced([(chunk, due)], clock):
        released.append((clock.monotonic(), part.columns["i"]))
    assert [ids for _, ids in released] == [[0, 1], [2], [3], [4]]
    assert all(at >= due[ids[0]] for at, ids in released)
    assert max(clock.sleeps) <= 0.25  # short sleeps keep Ctrl-C responsive


def test_realtime_events_take_as_long_on_the_clock_as_their_timestamps_span(container):
    clock = FakeClock(start=0.0)
    with container.clock.override(clock):
        container.registry.reset()
        cols = columns(container, "events", {"v": "integer"}, count=300, rate="50/s",
                       start="2025-01-01T00:00:00Z", realtime=True)
    t = epoch_seconds(cols["timestamp"])
    assert len(t) == 300
    assert abs(clock.monotonic() - (t[-1] - t[0])) < 0.1
