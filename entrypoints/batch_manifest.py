"""ManifestBook: DIR/_manifest.json kept up to date as tasks finish, and what `--resume` may skip."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from agentic_synth.adapters.manifest_file import read_manifest, write_manifest
from agentic_synth.domain.batch.manifest import MANIFEST_NAME, JobEntry, Manifest, PartEntry
from agentic_synth.domain.batch.results import OK, JobOutcome
from agentic_synth.domain.errors import UsageError
from agentic_synth.entrypoints.batch_worker import JobTask, file_digest


def resume_seed(output_dir: str | os.PathLike[str]) -> int | None:
    """The batch seed of the run a manifest in `output_dir` records (a resumed run without --seed reuses it)."""
    manifest = read_manifest(Path(output_dir) / MANIFEST_NAME)
    return None if manifest is None else manifest.seed


class ManifestBook:
    """Every job of a run and its finished parts; the manifest is rewritten (atomically) after each part."""

    def __init__(self, output_dir: str, tasks: Sequence[JobTask], *, resume: bool, seed: int | None = None) -> None:
        self.output_dir = Path(output_dir)
        self.path = self.output_dir / MANIFEST_NAME
        old = read_manifest(self.path) if resume else None
        self.manifest = Manifest(seed=seed)
        self._resumed: dict[int, JobOutcome] = {}
        for task in tasks:
            if task.name not in self.manifest.jobs:
                self.manifest.jobs[task.name] = JobEntry(kind=task.kind, format=task.format, seed=task.seed,
                                                         count=task.count, parts_total=task.parts,
                                                         fingerprint=task.fingerprint)
                if old is not None and task.name in old.jobs and old.jobs[task.name].fingerprint != task.fingerprint:
                    raise UsageError(f"--resume: job '{task.name}' in {self.path} was made with other settings "
                                     "(schema, count, seed, options, format or parts); run without --resume to "
                                     "start again")
            before = None if old is None else old.jobs.get(task.name)
            entry = None if before is None else before.parts.get(self._part(task))
            if entry is not None and self._intact(entry):
                self.manifest.jobs[task.name].parts[entry.part] = entry
                self._resumed[task.index] = JobOutcome(name=task.name, kind=task.kind, status=OK, seed=task.seed,
                                                       file=task.path, records=entry.records, executor="resumed",
                                                       sha256=entry.sha256, bytes=entry.bytes, seconds=0.0)
        self._drop_stale_parts(tasks, keep_finished=resume)

    @staticmethod
    def _part(task: JobTask) -> int:
        return 0 if task.part is None else task.part

    def _intact(self, entry: PartEntry) -> bool:
        """The part's file is there and its bytes are the ones the manifest lists."""
        path = self.output_dir / entry.file
        return path.is_file() and path.stat().st_size == entry.bytes and file_digest(str(path))[0] == entry.sha256

    @staticmethod
    def _drop_stale_parts(tasks: Sequence[JobTask], *, keep_finished: bool) -> None:
        """Remove the temporary files a killed run left in the jobs' folders, and (unless resuming) part
        files an earlier run of a different split left there."""
        wanted = {Path(t.path).resolve() for t in tasks}
        for folder in {Path(t.path).parent for t in tasks if t.part is not None}:
            if not folder.is_dir():
                continue
            for stale in [*folder.glob(".part-*.part"), *([] if keep_finished else folder.glob("part-*"))]:
                if stale.is_file() and stale.resolve() not in wanted:
                    stale.unlink()

    def resumed(self, task: JobTask) -> JobOutcome | None:
        """The outcome of a task an earlier run finished (its file checked), or None: run it."""
        return self._resumed.get(task.index)

    def save(self) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        write_manifest(self.path, self.manifest)

    def record(self, task: JobTask, outcome: JobOutcome, first: int = 0) -> None:
        """A finished task's part goes into the manifest, which is rewritten at once."""
        if outcome.status != OK or outcome.sha256 is None:
            return
        span = task.records
        self.manifest.jobs[task.name].parts[self._part(task)] = PartEntry(
            part=self._part(task), file=os.path.relpath(task.path, self.output_dir),
            start=span.start if span is not None else first, stop=span.stop if span is not None else outcome.records,
            records=outcome.records, bytes=outcome.bytes, sha256=outcome.sha256, seed=task.seed,
            seconds=outcome.seconds)
        self.save()
