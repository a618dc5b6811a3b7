"""The MCP server: agentic-synth's tools for agent frameworks (agentic-robotics, any MCP client), over the `mcp` SDK.

Results are summaries: records go to files under the server's output directory and come back as a
path and a bounded sample. Every message leaving the server is scrubbed of the configured keys,
and a server budget caps what all calls together may spend.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from agentic_synth.adapters.series_file import read_head
from agentic_synth.domain.config.secrets import redact
from agentic_synth.domain.errors import AgenticSynthError, UsageError
from agentic_synth.entrypoints.sdk import AgenticSynth

MAX_SAMPLE = 20
MAX_HITS = 50
MAX_SHOWN_VIOLATIONS = 20

Kind = Annotated[str, Field(description="A generator: structured, timeseries, events, or a plugin's (list_generators)")]
SchemaArg = Annotated[dict[str, Any] | str, Field(description="The schema: an object, JSON text, or a file path "
                                                               "inside the server's root (docs/schema.md)")]
Count = Annotated[int | None, Field(ge=0, le=100_000_000, description="Records (points per series for timeseries)")]
Seed = Annotated[int | None, Field(ge=0, description="Same seed, same data; none draws a fresh one (returned)")]
Options = Annotated[dict[str, Any] | None, Field(description="Generator options: interval, series, rate, start, "
                                                             "duration, locale, mode, model, provider, prompt ...")]


class ServerBudget:
    """What all of the server's calls may still spend (USD); None when the server has no cap."""

    def __init__(self, total: float | None) -> None:
        self.remaining = total
        self._lock = threading.Lock()

    def cap(self, asked: float | None) -> float | None:
        with self._lock:
            if self.remaining is None:
                return asked
            if self.remaining <= 0:
                raise UsageError("the server's budget is spent (mcp serve --budget); no model call can start")
            return self.remaining if asked is None else min(asked, self.remaining)

    def spend(self, usd: float) -> None:
        with self._lock:
            if self.remaining is not None:
                self.remaining = max(0.0, self.remaining - usd)


class SynthTools:
    """The tools, as plain methods (typed arguments become the tools' JSON Schemas)."""

    def __init__(self, synth: AgenticSynth, *, root: Path, output_dir: Path, workflows: str | None,
                 budget: float | None) -> None:
        self.synth, self.root, self.output_dir, self.workflows = synth, root.resolve(), output_dir, workflows
        self.budget = ServerBudget(budget)

    # --- paths -----------------------------------------------------------------------------------

    def _inside(self, path: str, what: str, base: Path | None = None) -> Path:
        """`path` resolved against `base` (the root); anything outside is refused (a client names files, not disks)."""
        top = (base or self.root).resolve()
        resolved = (top / path).resolve()
        if not resolved.is_relative_to(top):
            raise UsageError(f"{what}: '{path}' is outside {'the output directory' if base else 'the root'} ({top})")
        return resolved

    def _schema(self, schema: dict[str, Any] | str) -> Any:
        if isinstance(schema, str) and not schema.lstrip().startswith("{"):
            return str(self._inside(schema, "schema"))
        return schema

    # --- tools -----------------------------------------------------------------------------------

    def generate(self, kind: Kind, schema: SchemaArg, count: Count = None, seed: Seed = None,
                 output: Annotated[str | None, Field(description="File to write, inside the output directory "
                                                                 "(default: a new .jsonl file there)")] = None,
                 format: Annotated[str | None, Field(description="json, jsonl, csv or parquet (default: from "
                                                                 "the output's extension)")] = None,
                 budget: Annotated[float | None, Field(gt=0, description="USD cap for this call's model calls "
                                                                         "(the server's budget caps it too)")] = None,
                 options: Options = None,
                 sample: Annotated[int, Field(ge=0, le=MAX_SAMPLE, description="Records to return as a sample")] = 5,
                 ) -> dict[str, Any]:
        """Generate records into a file; returns its path, the run's figures and a few records."""
        name = output or f"{kind}-{uuid.uuid4().hex[:12]}.{format or 'jsonl'}"
        path = self._inside(name, "output", self.output_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        opts = dict(options or {})
        capped = self.budget.cap(budget)
        if capped is not None:
            opts["budget"] = capped
        result = self.synth.generate(kind, schema=self._schema(schema), count=count, seed=seed, output=str(path),
                                     format=format, **opts)
        meta = result.metadata
        self.budget.spend(meta.cost_usd)
        return {"output": str(path), "records": meta.records, "format": meta.format, "seed": meta.seed,
                "mode": meta.mode, "seconds": round(meta.seconds, 3), "calls": meta.calls,
                "cost_usd": round(meta.cost_usd, 6), "notes": list(meta.notes),
                "sample": read_head(str(path), min(sample, meta.records)) if sample else []}

    def estimate(self, kind: Kind, schema: SchemaArg, count: Count = None,
                 mode: Annotated[str, Field(pattern="^(llm|hybrid|engine)$")] = "llm",
                 model: Annotated[str | None, Field(description="A catalog model or alias")] = None,
                 provider: str | None = None,
                 budget: Annotated[float | None, Field(gt=0, description="A USD cap to check the estimate "
                                                                         "against")] = None) -> dict[str, Any]:
        """Expected calls, tokens and cost of a run, before anything is spent."""
        from agentic_synth.entrypoints.cli.estimate import estimate
        from agentic_synth.entrypoints.model_stack import RunRouting

        run = RunRouting.from_values(strategy=None, fallback=None, auto_route=False, budget=budget)
        source = self._schema(schema)
        request = self.synth.request(kind, schema=source, count=count, seed=0)
        result, notes = estimate(self.synth, request, schema=source, mode=mode, routing=run, model=model,
                                 provider=provider)
        return {**result.to_dict(), "notes": notes}

    def validate(self, schema: Annotated[dict[str, Any] | str | None, Field(description="Schema to check (and "
                                                                                         "data_file against)")] = None,
                 data_file: Annotated[str | None, Field(description="A data file inside the root")] = None,
                 reference: Annotated[str | None, Field(description="Compare data_file's series with this "
                                                                    "file's (DTW/LCS similarity)")] = None,
                 window: Annotated[int | None, Field(ge=1, description="With reference: window size")] = None,
                 ) -> dict[str, Any]:
        """Check a schema and a data file against it, or compare a data file's series with a reference."""
        from agentic_synth.adapters.readers import read_records
        from agentic_synth.adapters.schema_file import load_schema
        from agentic_synth.domain.schema.validation import RecordValidator

        out: dict[str, Any] = {}
        if reference is not None:
            out["similarity"] = self._similarity(reference, data_file, window)
        if schema is not None:
            parsed = load_schema(self._schema(schema) if isinstance(schema, str) else orjson_text(schema))
            out["schema"] = {"ok": True, "fields": list(parsed.names)}
            if data_file is not None:
                validator, rows, bad = RecordValidator(parsed), 0, 0
                shown: list[str] = []
                for rows, record in enumerate(read_records(str(self._inside(data_file, "data_file")), parsed), 1):
                    problems = validator.check(record)
                    bad += bool(problems)
                    shown.extend(f"row {rows}: {p}" for p in problems[:MAX_SHOWN_VIOLATIONS - len(shown)])
                out["data"] = {"rows": rows, "bad_rows": bad, "violations": shown}
        if not out:
            raise UsageError("validate: give a schema, or a reference and a data_file")
        return out

    def list_generators(self) -> list[dict[str, Any]]:
        """The generators `generate` can use, with their origin and options."""
        registry = self.synth.container.registry()
        return [{"name": name, "origin": registry.origin(name), "description": registry.get(name).description,
                 "options": [o.name for o in registry.get(name).options]} for name in registry.names()]

    def list_workflows(self) -> list[dict[str, Any]]:
        """The workflows of the server's workflow file (name, kind, count, the file each writes)."""
        from agentic_synth.entrypoints.workflow_file import load_workflows, workflow_file

        spec = load_workflows(workflow_file(self.workflows))
        return [{"name": j.name, "kind": j.kind, "count": j.count, "file": j.file_name} for j in spec.jobs]

    def run_workflow(self, name: Annotated[str, Field(description="A workflow of list_workflows")],
                     set: Annotated[dict[str, Any] | None, Field(description="Overrides: count, seed, format, "
                                                                             "or an option")] = None,
                     ) -> dict[str, Any]:
        """Run a workflow now; its file goes to the output directory."""
        from agentic_synth.entrypoints.workflow_file import load_workflows, plan_workflow, run_workflow, workflow_file

        self.output_dir.mkdir(parents=True, exist_ok=True)
        overrides = dict(set or {})
        capped = self.budget.cap(overrides.get("budget"))
        if capped is not None:
            overrides["budget"] = capped
        planned = plan_workflow(load_workflows(workflow_file(self.workflows)), name, overrides, self.output_dir)
        result = run_workflow(self.synth, planned)
        meta = result.metadata
        self.budget.spend(meta.cost_usd)
        return {"workflow": name, "output": meta.output, "records": meta.records, "seed": meta.seed,
                "mode": meta.mode, "seconds": round(meta.seconds, 3), "cost_usd": round(meta.cost_usd, 6)}

    def vector_search(self, query: str, db: Annotated[str, Field(description="A vector store inside the root "
                                                                             "(SQLite or ruvector)")],
                      limit: Annotated[int, Field(ge=1, le=MAX_HITS)] = 5) -> list[dict[str, Any]]:
        """The stored records nearest to `query`, best first (score, record, metadata)."""
        store = self.synth.container.integrations().open_db(str(self._inside(db, "db")))
        return [dict(hit) for hit in store.search(query, limit)]

    # --- helpers ---------------------------------------------------------------------------------

    def _similarity(self, reference: str, data_file: str | None, window: int | None) -> dict[str, Any]:
        from agentic_synth.adapters.series_file import read_rows
        from agentic_synth.application.similarity import compare, numeric_series
        from agentic_synth.entrypoints.temporal import temporal_analyzer

        if data_file is None:
            raise UsageError("validate: a reference needs a data_file to compare")
        ref = numeric_series(read_rows(str(self._inside(reference, "reference")), "reference"))
        data = numeric_series(read_rows(str(self._inside(data_file, "data_file")), "data_file"))
        analyzer, notice = temporal_analyzer()
        try:
            results = compare(analyzer, data, ref, window=window, what=data_file)
        finally:
            analyzer.close()
        return {"analyzer": analyzer.name, "notice": notice, "series": [r.to_dict() for r in results]}


def orjson_text(payload: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(payload).decode()


TOOLS = ("generate", "estimate", "validate", "list_generators", "list_workflows", "run_workflow", "vector_search")


def build_server(synth: AgenticSynth, *, root: Path, output_dir: Path, workflows: str | None,
                 budget: float | None, secrets: Any) -> Any:
    """An MCPServer with the tools; each error is one `error: ...` line, scrubbed of every known key."""
    import functools

    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    tools = SynthTools(synth, root=root, output_dir=output_dir, workflows=workflows, budget=budget)
    server: Any = MCPServer("agentic-synth", instructions="Synthetic data: generate records, time series and event "
                            "streams from a schema into files; estimate model cost first; run named workflows.",
                            log_level="WARNING")

    def scrubbed(value: Any) -> Any:
        import orjson

        text = orjson.dumps(value, default=str).decode()
        clean = redact(text, secrets())
        return value if clean == text else orjson.loads(clean)

    for name in TOOLS:
        method = getattr(tools, name)

        @functools.wraps(method)
        def tool(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            try:
                return scrubbed(_method(*args, **kwargs))
            except AgenticSynthError as exc:
                raise ToolError(redact(f"error: {exc}", secrets())) from None

        server.add_tool(tool, name=name, description=(method.__doc__ or "").strip())
    return server
