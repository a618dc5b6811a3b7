"""A dataset as a directory of files, one per table: written beside, moved in together when every table is whole."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentic_synth.adapters.sinks.factory import FORMATS
from agentic_synth.domain.dataset.model import Dataset, Table
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import RecordSink


class DirectoryDatasetSink:
    """`DIR/`: `<table>.<format>` per table, made in a hidden folder inside DIR and moved in at commit.

    `open_sink(path, fmt, schema, csv_protect=...)` is the project's file-sink factory. A table file
    already in DIR is an error unless `if_exists` is replace (append does not apply to files).
    """

    def __init__(self, directory: str, dataset: Dataset, fmt: str, open_sink: Callable[..., RecordSink], *,
                 if_exists: str = "fail", csv_protect: bool = True) -> None:
        if fmt not in FORMATS:
            raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
        if if_exists == "append":
            raise UsageError("--if-exists append applies to databases; files are written whole (use replace)")
        self.directory = Path(directory)
        self.format = fmt
        self._open_sink = open_sink
        self._csv_protect = csv_protect
        self.files = {t.name: self.directory / f"{t.name}.{fmt}" for t in dataset.tables}
        if self.directory.exists() and not self.directory.is_dir():
            raise UsageError(f"output: '{directory}' is not a directory")
        if not self.directory.parent.is_dir():
            raise UsageError(f"output: directory '{self.directory.parent}' does not exist")
        if if_exists == "fail":
            taken = [str(p) for p in self.files.values() if p.exists()]
            if taken:
                raise UsageError(f"output: {', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; "
                                 "use --if-exists replace")
        self._replace = if_exists == "replace"
        self._made_directory = not self.directory.exists()
        self.directory.mkdir(exist_ok=True)
        self._staging = Path(tempfile.mkdtemp(prefix=".agentic-synth-", suffix=".part", dir=self.directory))

    def first_numbers(self) -> dict[str, int]:
        return {}

    def table(self, table: Table) -> RecordSink:
        path = self._staging / self.files[table.name].name
        return self._open_sink(str(path), self.format, table.schema, csv_protect=self._csv_protect)

    def commit(self) -> None:
        for name, target in self.files.items():
            made = self._staging / target.name
            if made.exists():
                os.replace(made, target)
            if self._replace:  # a table's file of another format would be a second copy of it
                for fmt in FORMATS:
                    if fmt != self.format:
                        with contextlib.suppress(FileNotFoundError):
                            (self.directory / f"{name}.{fmt}").unlink()
        shutil.rmtree(self._staging, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)
        if self._made_directory:
            with contextlib.suppress(OSError):
                self.directory.rmdir()  # only when empty


class InMemoryDatasetSink:
    """Keeps every table's rows as dicts (the SDK's result when no output is given: for small datasets)."""

    def __init__(self, make_sink: Callable[[], Any]) -> None:
        self._make_sink = make_sink
        self.sinks: dict[str, Any] = {}

    def first_numbers(self) -> dict[str, int]:
        return {}

    def table(self, table: Table) -> RecordSink:
        self.sinks[table.name] = sink = self._make_sink()
        return sink  # type: ignore[no-any-return]

    def commit(self) -> None:
        """Nothing to do: the rows are in memory."""

    def abort(self) -> None:
        self.sinks.clear()
