"""A batch: many generation jobs described in one file, with defaults they inherit and derived seeds."""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
from collections.abc import Mapping
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError

JOB_KEYS = ("name", "kind", "schema", "count", "seed", "format", "output", "parts", "options")
DEFAULT_KEYS = ("kind", "schema", "count", "format", "options")
BATCH_KEYS = ("seed", "parallel", "budget", "defaults", "jobs")
# Keyword arguments of a run that the batch itself sets (each job's file is written atomically).
RESERVED_OPTIONS = {
    "schema": "use the job's 'schema' key", "count": "use the job's 'count' key", "seed": "use the job's 'seed' key",
    "format": "use the job's 'format' key", "output": "use the job's 'output' key",
    "sink": "not available in a batch", "stdout": "not available in a batch", "progress": "not available in a batch",
    "stream": "not available in a batch (each job's file is written whole, atomically)",
    "line_buffered": "not available in a batch (each job's file is written whole, atomically)",
    "realtime": "not available in a batch (each job's file is written whole, atomically)",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_MAX_SEED = 2**63 - 1


def derive_seed(batch_seed: int, job_name: str) -> int:
    """A job's seed from the batch seed and its name alone (adding or reordering jobs changes no other)."""
    digest = hashlib.sha256(f"agentic-synth/batch:{batch_seed}:{job_name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


class _Where:
    """Builds errors that name the batch file and the key: `batch.yaml: jobs[2].count: ...`."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, path: str, message: str) -> UsageError:
        return UsageError(f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}")

    def keys(self, payload: Any, path: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(payload, Mapping):
            raise self.error(path, f"expected a mapping of keys, got {_kind_of(payload)}")
        for key in payload:
            if key not in allowed:
                match = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{match[0]}'?)" if match else ""
                raise self.error(_join(path, str(key)), f"unknown key{hint}; known: {', '.join(allowed)}")
        return payload

    def whole(self, value: Any, path: str, *, low: int = 0, high: int = _MAX_SEED) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(path, f"must be a whole number >= {low}" + (f" and <= {high}" if high < _MAX_SEED
                                                                         else "") + f", got {value!r}")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, f"must be a non-empty string, got {value!r}")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind_of(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing"}.get(type(value), type(value).__name__)


def _schema(value: Any, path: str, where: _Where, base_dir: str | None) -> Any:
    """Inline (a mapping, or JSON text) as it is; a file path relative to the batch file's folder."""
    if isinstance(value, Mapping):
        return dict(value)
    text = where.text(value, path) if not isinstance(value, PurePath) else str(value)
    if text.lstrip().startswith(("{", "[")) or base_dir is None or os.path.isabs(text):
        return text
    return os.path.join(base_dir, text)


def _options(value: Any, path: str, where: _Where) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise where.error(path, f"expected a mapping of options, got {_kind_of(value)}")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise where.error(path, f"option names must be strings, got {key!r}")
        name = key.replace("-", "_")
        if name in RESERVED_OPTIONS:
            raise where.error(_join(path, key), RESERVED_OPTIONS[name])
        out[name] = item
    return out


NAME_MAX = 255  # bytes of one path component on every common file system


def _output(value: Any, path: str, where: _Where) -> str:
    text = where.text(value, path)
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute():
        raise where.error(path, f"'{text}' must be a file name inside the output directory, not an absolute path")
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if ".." in parts or not parts or text.endswith(("/", "\\")):
        raise where.error(path, f"'{text}' must be a file name inside the output directory")
    if "\x00" in text:
        raise where.error(path, f"{text!r} holds a NUL character, which no file name can")
    for part in parts:
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > NAME_MAX:
            raise where.error(path, f"'{part[:40]}…' is {size} bytes long; a file name has at most {NAME_MAX}")
    return "/".join(part for part in parts if part != ".")


@attrs.frozen
class BatchJob:
    """One job: what `generate` would be given, and the file (inside the output directory) it writes."""

    name: str
    kind: str
    schema: Any  # None: the generator's default schema (timeseries, events), as `generate` takes it
    count: int | None = None
    seed: int | None = None
    format: str | None = None
    output: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    parts: int | None = None  # part files (a folder of them); None: only a large engine job is split; 0: per worker

    @property
    def file_name(self) -> str:
        """`output`, else `<name>.<format>` (jsonl when no format is given)."""
        return self.output if self.output is not None else f"{self.name}.{self.format or 'jsonl'}"

    def seed_for(self, batch_seed: int) -> int:
        """Its own seed when the file gives one, else derived from the batch seed and its name."""
        return self.seed if self.seed is not None else derive_seed(batch_seed, self.name)

    @classmethod
    def from_payload(cls, payload: Any, defaults: Mapping[str, Any], path: str, where: _Where,
                     base_dir: str | None) -> BatchJob:
        payload = where.keys(payload, path, JOB_KEYS)
        if "name" not in payload:
            raise where.error(_join(path, "name"), "is required (a job's name seeds it and names its file)")
        name = where.text(payload["name"], _join(path, "name"))
        if not _NAME.match(name):
            raise where.error(_join(path, "name"), f"'{name}' must be letters, digits, '_', '-' or '.' "
                                                   "(it names the job's file)")
        merged = {**defaults, **payload}
        if "kind" not in merged:
            raise where.error(_join(path, "kind"), "is required (here or under defaults)")
        at = {key: _join(path if key in payload else "defaults", key) for key in merged}
        count = merged.get("count")
        options = {**_options(defaults.get("options", {}), "defaults.options", where),
                   **_options(payload.get("options", {}), _join(path, "options"), where)}
        fmt = merged.get("format")
        return cls(name=name, kind=where.text(merged["kind"], at["kind"]),
                   schema=_schema(merged["schema"], at["schema"], where, base_dir) if "schema" in merged else None,
                   count=None if count is None else where.whole(count, at["count"]),
                   seed=None if payload.get("seed") is None else where.whole(payload["seed"], at["seed"]),
                   format=None if fmt is None else where.text(fmt, at["format"]).lower(),
                   output=None if payload.get("output") is None else _output(payload["output"], at["output"], where),
                   options=options,
                   parts=None if payload.get("parts") is None else where.whole(payload["parts"], at["parts"], low=1,
                                                                               high=100_000))


@attrs.frozen
class BatchSpec:
    """A parsed batch file: its jobs (defaults applied), the batch seed, parallelism and shared budget."""

    source: str
    jobs: tuple[BatchJob, ...]
    seed: int | None = None
    parallel: int | None = None
    budget_usd: float | None = None

    @classmethod
    def from_payload(cls, payload: Any, *, source: str = "batch", base_dir: str | None = None) -> BatchSpec:
        """Check every key of a batch (a mapping with `jobs`, or a bare list of jobs) before anything runs.

        `source` names the file in errors; `base_dir` is where relative schema paths start.
        """
        where = _Where(source)
        if isinstance(payload, list | tuple):
            payload = {"jobs": list(payload)}
        payload = where.keys(payload, "", BATCH_KEYS)
        defaults = where.keys(payload.get("defaults") or {}, "defaults", DEFAULT_KEYS)
        jobs_payload = payload.get("jobs")
        if not isinstance(jobs_payload, list | tuple) or not jobs_payload:
            raise where.error("jobs", f"must be a non-empty list of jobs, got {_kind_of(jobs_payload)}")
        jobs = tuple(BatchJob.from_payload(job, defaults, f"jobs[{i}]", where, base_dir)
                     for i, job in enumerate(jobs_payload))
        _check_unique(jobs, where)
        seed = payload.get("seed")
        parallel = payload.get("parallel")
        return cls(source=source, jobs=jobs, seed=None if seed is None else where.whole(seed, "seed"),
                   parallel=None if parallel is None else where.whole(parallel, "parallel", low=1, high=256),
                   budget_usd=_budget(payload.get("budget"), where, jobs))


def _check_unique(jobs: tuple[BatchJob, ...], where: _Where) -> None:
    names: dict[str, int] = {}
    files: dict[str, int] = {}
    for i, job in enumerate(jobs):
        if job.name in names:
            raise where.error(f"jobs[{i}].name", f"'{job.name}' is already the name of jobs[{names[job.name]}]")
        names[job.name] = i
        key = job.file_name.lower()  # case-insensitive file systems would make two names one file
        if key in files:
            raise where.error(f"jobs[{i}].output", f"'{job.file_name}' is already written by jobs[{files[key]}] "
                                                   f"({jobs[files[key]].name})")
        files[key] = i


def _budget(value: Any, where: _Where, jobs: tuple[BatchJob, ...]) -> float | None:
    if value is None:
        return None
    try:
        amount = float(str(value).strip().lstrip("$")) if not isinstance(value, bool) else math.nan
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or amount <= 0:
        raise where.error("budget", f"expected a positive amount in USD (like 0.50), got {value!r}")
    for i, job in enumerate(jobs):
        if job.options.get("budget") is not None:
            raise where.error(f"jobs[{i}].options.budget", "the batch has a shared budget; a job cannot have "
                                                           "its own as well (drop one of them)")
    return amount
