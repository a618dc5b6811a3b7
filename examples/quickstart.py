"""Quickstart: users in memory, then to CSV and Parquet, with a look at the run's metadata."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from agentic_synth import AgenticSynth

HERE = Path(__file__).parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")

synth = AgenticSynth()
result = synth.generate("structured", schema=HERE / "schemas" / "users.json", count=5000, seed=42)
plans = Counter(r["plan"] for r in result.records)
print("first user:", result.records[0])
print("plans:", dict(plans))

for name in ("users.csv", "users.parquet"):
    meta = synth.generate("structured", schema=HERE / "schemas" / "users.json", count=5000, seed=42,
                          output=out / name).metadata
    print(f"wrote {meta.records} records to {meta.output} in {meta.seconds:.2f}s")

print(json.dumps({"records": len(result.records), "plans": dict(plans), "seed": result.metadata.seed}))
