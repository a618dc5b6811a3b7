"""The manifest of a sharded run: every job's part files with their range, size, checksum, seed and time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError

MANIFEST_NAME = "_manifest.json"
VERSION = 1


@attrs.frozen
class PartEntry:
    """One finished part file (`file` is relative to the output directory)."""

    part: int
    file: str
    start: int
    stop: int
    records: int
    bytes: int
    sha256: str
    seed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["seconds"] = round(self.seconds, 4)
        return out


@attrs.define
class JobEntry:
    """A job of the run: what makes it (its fingerprint) and the parts finished so far, by part number."""

    kind: str
    format: str
    seed: int
    count: int | None
    parts_total: int
    fingerprint: str
    parts: dict[int, PartEntry] = attrs.field(factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.parts) == self.parts_total

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "format": self.format, "seed": self.seed, "count": self.count,
                "parts_total": self.parts_total, "fingerprint": self.fingerprint,
                "records": sum(p.records for p in self.parts.values()),
                "parts": [self.parts[k].to_dict() for k in sorted(self.parts)]}


@attrs.define
class Manifest:
    """DIR/_manifest.json: rewritten whole (atomically) after each part, so it never lists a missing part."""

    jobs: dict[str, JobEntry] = attrs.field(factory=dict)
    seed: int | None = None  # the batch seed the jobs' seeds derive from (a resumed run reuses it)

    def to_dict(self) -> dict[str, Any]:
        return {"version": VERSION, "seed": self.seed, "jobs": {name: job.to_dict() for name, job in self.jobs.items()}}

    @classmethod
    def from_payload(cls, payload: Any, where: str) -> Manifest:
        """Read back a manifest; anything malformed is one usage error naming the file."""
        try:
            if not isinstance(payload, Mapping) or payload.get("version") != VERSION:
                raise ValueError(f"not a version {VERSION} manifest")
            jobs = {}
            for name, job in payload["jobs"].items():
                parts = {int(p["part"]): PartEntry(part=int(p["part"]), file=str(p["file"]), start=int(p["start"]),
                                                   stop=int(p["stop"]), records=int(p["records"]),
                                                   bytes=int(p["bytes"]), sha256=str(p["sha256"]),
                                                   seed=int(p["seed"]), seconds=float(p["seconds"]))
                         for p in job["parts"]}
                jobs[str(name)] = JobEntry(kind=str(job["kind"]), format=str(job["format"]), seed=int(job["seed"]),
                                           count=None if job["count"] is None else int(job["count"]),
                                           parts_total=int(job["parts_total"]),
                                           fingerprint=str(job["fingerprint"]), parts=parts)
            seed = payload.get("seed")
            seed = None if seed is None else int(seed)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"--resume: {where} is not a manifest this version wrote ({exc})") from None
        return cls(jobs=jobs, seed=seed)
