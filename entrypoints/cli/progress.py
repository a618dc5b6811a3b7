"""Progress on a terminal: records with thousands separators and a rate; a board for batches and parts."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console as RichConsole
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text


class RecordsColumn(ProgressColumn):
    """`12,345 / 100,000` (or just the count when the total is unknown)."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        return Text(done if task.total is None else f"{done} / {int(task.total):,}")


class RateColumn(ProgressColumn):
    """`48,210 records/s` once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if not speed else f"{speed:,.0f} records/s")


def record_columns(label: str = "{task.description}") -> tuple[ProgressColumn, ...]:
    return (TextColumn(label), BarColumn(), RecordsColumn(), RateColumn(), TimeRemainingColumn())


class BatchBoard:
    """One bar per job (its parts added up) and one for the whole batch, redrawn by `update`.

    It never starts a thread (rich's auto refresh is off): a local process pool may fork after it exists.
    """

    def __init__(self, progress: Progress, jobs: Sequence[tuple[str, int | None]], task_jobs: Sequence[int]) -> None:
        self._progress = progress
        self._task_jobs = task_jobs  # task index -> job number
        totals = [total for _, total in jobs]
        grand = None if any(t is None for t in totals) else sum(t or 0 for t in totals)
        self._overall = progress.add_task("all jobs", total=grand)
        self._bars = [progress.add_task(f"  {name}", total=total) for name, total in jobs]

    def update(self, made: Sequence[int]) -> None:
        per_job = [0] * len(self._bars)
        for task, records in enumerate(made):
            per_job[self._task_jobs[task]] += records
        for bar, records in zip(self._bars, per_job, strict=True):
            self._progress.update(bar, completed=records)
        self._progress.update(self._overall, completed=sum(per_job))
        self._progress.refresh()


@contextmanager
def batch_board(quiet: bool, jobs: Sequence[tuple[str, int | None]], task_jobs: Sequence[int]) -> Iterator[Any]:
    """A BatchBoard when stderr is a terminal and not quiet; otherwise None."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    progress = Progress(*record_columns(), auto_refresh=False, transient=True, console=RichConsole(file=sys.stderr))
    with progress:
        yield BatchBoard(progress, jobs, task_jobs)
