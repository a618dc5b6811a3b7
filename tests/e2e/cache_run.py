"""One "llm run" in its own process: CachedTextModel (from the container) over a tiny OpenAI TextModel.

Stands in for `agentic-synth generate --mode llm` until the provider adapters land: it builds the
prompt from the canonical schema, calls the model once per batch through the cache the
configuration selects, and writes the records as JSONL with columns in the user's schema order.

    python -m tests.e2e.cache_run BASE_URL SCHEMA_FILE OUTPUT_FILE COUNT [POLICY]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import openai

from agentic_synth.domain.cache_keys import CacheScope, canonical_json
from agentic_synth.domain.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.schema import Schema
from agentic_synth.entrypoints.container import build_container

API_KEY = "sk-e2e-secret-key"
BATCH = 2


class TinyOpenAITextModel:
    """The least a TextModel needs, over the real openai SDK."""

    provider = "openai"

    def __init__(self, base_url: str) -> None:
        self.client = openai.OpenAI(base_url=base_url, api_key=API_KEY, max_retries=0)

    def complete(self, request: ModelRequest) -> Completion:
        reply = self.client.chat.completions.create(
            model=request.model or "gpt-4o-mini", temperature=request.temperature, seed=request.seed,
            messages=[{"role": "system", "content": request.system or ""}, {"role": "user", "content": request.prompt}])
        usage = reply.usage
        return Completion(text=reply.choices[0].message.content or "", model=reply.model, provider=self.provider,
                          tokens_in=usage.prompt_tokens if usage else 0,
                          tokens_out=usage.completion_tokens if usage else 0,
                          finish_reason=reply.choices[0].finish_reason, cost_usd=0.001)

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        raise NotImplementedError


def main(base_url: str, schema_file: str, output: str, count: int, policy: str | None = None) -> None:
    with open(schema_file, encoding="utf-8") as handle:
        schema = Schema.from_payload(json.load(handle))
    container = build_container(load_plugins=False)
    model = container.cached_text_model(TinyOpenAITextModel(base_url))
    rows = []
    for batch in range(-(-count // BATCH)):
        size = min(BATCH, count - batch * BATCH)
        scope = CacheScope(template_version="e2e-v1", schema=schema, seed=42, batch_index=batch, batch_size=size,
                           count=count)
        prompt = f"Return {size} records as a JSON array matching {canonical_json(schema.to_payload())}."
        reply = model.complete(ModelRequest(prompt=prompt, model="gpt-4o-mini", provider="openai", seed=42,
                                            system="You write JSON.", cache_scope=scope, cache_policy=policy))
        rows.extend({name: record[name] for name in schema.names} for record in json.loads(reply.text))
    with open(output, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)
    tally = model.tally()
    print(json.dumps({"hits": tally.hits, "misses": tally.misses, "usd_saved": tally.usd_saved}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:])
