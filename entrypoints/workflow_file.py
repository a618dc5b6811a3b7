"""Workflows that outlive a process: the named jobs of a workflow file (the batch file format), run one by name."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from agentic_synth.adapters.batch_file import read_batch_file
from agentic_synth.domain.batch.spec import BatchJob, BatchSpec, derive_seed
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.results import GenerationResult

DEFAULT_FILES = ("workflows.yaml", "workflows.yml", "workflows.json")
ENV_FILE = "AGENTIC_SYNTH_WORKFLOWS"
JOB_LEVEL = ("kind", "schema", "count", "seed", "format", "output")  # --set KEY=VALUE: these set the job's own keys


def workflow_file(path: str | None) -> Path:
    """`--file PATH`, else $AGENTIC_SYNTH_WORKFLOWS, else ./workflows.yaml (.yml, .json)."""
    chosen = path or os.environ.get(ENV_FILE)
    if chosen:
        return Path(chosen)
    for name in DEFAULT_FILES:
        if Path(name).is_file():
            return Path(name)
    raise UsageError(f"no workflow file: pass --file PATH, set {ENV_FILE}, or create ./workflows.yaml "
                     "(the batch file format: docs/integrations.md)")


def load_workflows(path: str | os.PathLike[str]) -> BatchSpec:
    return read_batch_file(path)


def parse_sets(pairs: Sequence[str]) -> dict[str, Any]:
    """`--set KEY=VALUE` pairs; a value is read as YAML (500 is a number, 5/sec a string, [a, b] a list)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set: expected KEY=VALUE, got '{pair}'")
        try:
            out[key.strip()] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = text
    return out


@attrs.frozen
class WorkflowRun:
    """One workflow to run: its job, the generate options after --set, and the file it writes."""

    job: BatchJob
    kind: str
    options: Mapping[str, Any]
    path: Path


def plan_workflow(spec: BatchSpec, name: str, sets: Mapping[str, Any],
                  output_dir: str | os.PathLike[str]) -> WorkflowRun:
    """The named job with --set on top: job keys (count, seed, format, output, kind, schema) or options (KEY or
    options.KEY). Its seed: its own, else derived from the file's seed and its name, else a fresh one."""
    job = next((j for j in spec.jobs if j.name == name), None)
    if job is None:
        names = [j.name for j in spec.jobs]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"{spec.source}: no workflow named '{name}'{hint}; known: {', '.join(names)}")
    keys = {"count": job.count, "format": job.format, "output": job.output, "kind": job.kind, "schema": job.schema,
            "seed": job.seed if job.seed is not None else None if spec.seed is None else derive_seed(spec.seed, name)}
    options = dict(job.options)
    for key, value in sets.items():
        if key in JOB_LEVEL:
            keys[key] = value
        else:
            options[key.removeprefix("options.")] = value
    kind = keys.pop("kind")
    if not isinstance(kind, str) or not kind:
        raise UsageError(f"--set kind: expected a generator name, got {kind!r}")
    fmt, output = keys.pop("format"), keys.pop("output")
    file_name = output if output is not None else f"{name}.{fmt or 'jsonl'}"
    path = Path(output_dir) / str(file_name)
    if not path.parent.is_dir():
        raise UsageError(f"--output: directory '{path.parent}' does not exist")
    run_options = {k: v for k, v in keys.items() if v is not None}
    return WorkflowRun(job=job, kind=kind, options={**run_options, "format": fmt, **options}, path=path)


def run_workflow(synth: Any, run: WorkflowRun) -> GenerationResult:
    """Register the workflow with the SDK (the agentic_robotics engine too, when enabled) and trigger it."""
    options = {k: v for k, v in run.options.items() if v is not None}
    synth.register_workflow(run.job.name, run.kind, output=str(run.path), **options)
    result: GenerationResult = synth.trigger_workflow(run.job.name)
    return result
