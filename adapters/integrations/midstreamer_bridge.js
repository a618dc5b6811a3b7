// agentic-synth's bridge to midstreamer (npm, a WebAssembly TemporalCompare): JSON lines over stdin/stdout.
// First line out: {"ready": true, "version": "<midstreamer version>"} (or {"error": ...} and exit 3).
// Then each line in, {"a": [numbers], "b": [numbers]}, gets one line out, in order:
// {"dtw": d, "lcs": n, "edit": n, "similarity": s}, or {"error": "..."} for that request.
"use strict";
const readline = require("readline");

let midstreamer, compare, version;
try {
  midstreamer = require("midstreamer");
  version = require("midstreamer/package.json").version;
  compare = new midstreamer.TemporalCompare();
} catch (err) {
  process.stdout.write(JSON.stringify({ error: String(err && err.message ? err.message : err) }) + "\n");
  process.exit(3);
}
process.stdout.write(JSON.stringify({ ready: true, version }) + "\n");

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    const metrics = compare.analyze(Float64Array.from(request.a), Float64Array.from(request.b));
    reply = { dtw: metrics.dtw_distance, lcs: metrics.lcs_length, edit: metrics.edit_distance,
              similarity: metrics.similarity_score };
    metrics.free();
  } catch (err) {
    reply = { error: String(err && err.message ? err.message : err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
lines.on("close", () => process.exit(0));
