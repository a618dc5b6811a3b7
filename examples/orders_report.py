"""Orders to JSON Lines, then checked with the validator and summarised, as a pipeline would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from agentic_synth import AgenticSynth, RecordValidator, Schema

HERE = Path(__file__).parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
schema = Schema.from_payload(json.loads((HERE / "schemas" / "orders.json").read_text()))

synth = AgenticSynth()
meta = synth.generate("structured", schema=schema, count=5_000, seed=7, output=out / "orders.jsonl").metadata

validator = RecordValidator(schema)
revenue: dict[str, float] = {}
violations = 0
with (out / "orders.jsonl").open() as fh:
    for line in fh:
        order = json.loads(line)
        violations += len(validator.check(order))
        if order["status"] != "refunded":
            cur = order["customer"]["currency"]
            revenue[cur] = revenue.get(cur, 0.0) + order["quantity"] * order["unit_price"]

top = sorted(revenue.items(), key=lambda kv: -kv[1])[:3]
print("top currencies by revenue:", [(c, round(v, 2)) for c, v in top])
(out / "report.json").write_text(json.dumps(meta.to_dict(), indent=2))
print(json.dumps({"records": meta.records, "violations": violations, "currencies": len(revenue)}))
