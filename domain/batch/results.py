"""What a batch did: one outcome per job (records, file, time, calls, cost or the reason it failed)."""

from __future__ import annotations

from typing import Any

import attrs

OK, FAILED, CANCELLED, INTERRUPTED = "ok", "failed", "cancelled", "interrupted"


@attrs.frozen
class JobOutcome:
    """One job's result; `file` is set when the job left a file (whole, or the kept part of a stopped run).

    Plain data only, so an outcome crosses from a worker process as it is.
    """

    name: str
    kind: str
    status: str
    seed: int
    file: str | None = None
    records: int = 0
    seconds: float = 0.0
    calls: int = 0
    cost_usd: float = 0.0
    executor: str = "thread"
    error: str | None = None
    exit_code: int = 0
    metadata: dict[str, Any] | None = None
    parts: int = 1  # part files of a sharded job (its `file` is then the folder holding them)
    sha256: str | None = None  # of the file a job or part wrote
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out.update(seconds=round(self.seconds, 4), cost_usd=round(self.cost_usd, 6))
        return out


def merge_parts(outcomes: list[JobOutcome], folder: str) -> JobOutcome:
    """One job's outcome from its parts': the worst status, records and calls added up, the longest time."""
    first = outcomes[0]
    worst = next((o for status in (FAILED, INTERRUPTED, CANCELLED) for o in outcomes if o.status == status), first)
    return attrs.evolve(worst, file=folder if worst.status == OK else None, records=sum(o.records for o in outcomes),
                        seconds=max(o.seconds for o in outcomes), calls=sum(o.calls for o in outcomes),
                        cost_usd=sum(o.cost_usd for o in outcomes), bytes=sum(o.bytes for o in outcomes),
                        parts=len(outcomes), sha256=None, metadata=None,
                        executor=first.executor)


@attrs.define
class BatchResult:
    """Every job's outcome, in the batch file's order, and the batch's own figures."""

    source: str
    seed: int
    output_dir: str
    parallel: int
    jobs: list[JobOutcome] = attrs.field(factory=list)
    seconds: float = 0.0
    budget_usd: float | None = None
    budget_spent_usd: float | None = None  # what the batch's model jobs spent of its shared budget, failed ones too
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(job.ok for job in self.jobs)

    @property
    def failed(self) -> list[JobOutcome]:
        return [job for job in self.jobs if job.status == FAILED]

    @property
    def records(self) -> int:
        return sum(job.records for job in self.jobs)

    @property
    def calls(self) -> int:
        return sum(job.calls for job in self.jobs)

    @property
    def cost_usd(self) -> float:
        return sum(job.cost_usd for job in self.jobs)

    def __getitem__(self, name: str) -> JobOutcome:
        for job in self.jobs:
            if job.name == name:
                return job
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: the batch's figures and totals, then every job."""
        counts = {status: sum(1 for j in self.jobs if j.status == status)
                  for status in (OK, FAILED, CANCELLED, INTERRUPTED)}
        return {"source": self.source, "seed": self.seed, "output_dir": self.output_dir, "parallel": self.parallel,
                "budget_usd": self.budget_usd,
                "budget_spent_usd": None if self.budget_spent_usd is None else round(self.budget_spent_usd, 6),
                "seconds": round(self.seconds, 4), "interrupted": self.interrupted,
                "jobs_total": len(self.jobs), **{f"jobs_{status}": n for status, n in counts.items()},
                "records": self.records, "calls": self.calls, "cost_usd": round(self.cost_usd, 6),
                "jobs": [job.to_dict() for job in self.jobs]}
