"""IoT readings streamed lazily (sync and async) and sent to a custom sink in batches."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from statistics import mean

from agentic_synth import AgenticSynth, RecordChunk

SCHEMA = Path(__file__).parent / "schemas" / "iot_readings.json"


class BatchPrinter:
    """A RecordSink: receives chunks; here it only counts them, as a message queue producer would send."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.committed = False

    def write(self, chunk: RecordChunk) -> None:
        self.batches.append(chunk.length)

    def close(self) -> None:
        self.committed = True

    def abort(self) -> None:
        self.committed = False


synth = AgenticSynth()
temps = [r["temperature_c"] for r in synth.generate_stream("structured", schema=SCHEMA, count=20_000, seed=3)]
print(f"mean temperature over {len(temps)} readings: {mean(temps):.2f} °C")


async def first_alerts(limit: int) -> list[dict]:
    alerts = []
    async for reading in synth.astream("structured", schema=SCHEMA, count=20_000, seed=3):
        if not reading["ok"]:
            alerts.append(reading)
            if len(alerts) == limit:
                break
    return alerts


alerts = asyncio.run(first_alerts(5))
print("first alert:", alerts[0])

sink = BatchPrinter()
synth.generate("structured", schema=SCHEMA, count=20_000, seed=3, sink=sink)
print(json.dumps({"readings": len(temps), "mean_temperature": round(mean(temps), 2), "alerts": len(alerts),
                  "batches": sink.batches, "committed": sink.committed}))
