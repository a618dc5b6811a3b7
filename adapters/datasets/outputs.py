"""Open the sink a dataset's --output names: sqlite:///PATH, postgresql://..., or a directory of files."""

from __future__ import annotations

import re
from collections.abc import Callable

from agentic_synth.adapters.datasets.directory import DirectoryDatasetSink
from agentic_synth.domain.dataset.model import Dataset
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.ports import DatasetSink, RecordSink

DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


def is_database(output: str) -> bool:
    return output.startswith(DATABASE_SCHEMES)


def sqlite_path(url: str) -> str:
    """`sqlite:///shop.db` -> shop.db (relative), `sqlite:////tmp/shop.db` -> /tmp/shop.db."""
    path = url[len("sqlite:///"):]
    if not path:
        raise UsageError(f"output: '{url}' names no file; write sqlite:///PATH "
                         "(sqlite:////abs/path for an absolute one)")
    return path


def open_dataset_sink(output: str, dataset: Dataset, *, fmt: str | None, open_sink: Callable[..., RecordSink],
                      if_exists: str = "fail", create: bool = True, csv_protect: bool = True) -> DatasetSink:
    """The dataset sink for --output; tables are checked (and created) here, before any row is made."""
    if output.startswith("sqlite:"):
        if not output.startswith("sqlite:///"):
            raise UsageError(f"output: '{output}' is not a SQLite URL; write sqlite:///PATH")
        if fmt is not None:
            raise UsageError("--format applies to a directory of files, not to a database")
        from agentic_synth.adapters.databases.sqlite import SqliteDatasetSink

        return SqliteDatasetSink(sqlite_path(output), dataset, if_exists=if_exists, create=create)
    if output.startswith(("postgresql://", "postgres://")):
        if fmt is not None:
            raise UsageError("--format applies to a directory of files, not to a database")
        from agentic_synth.adapters.databases.postgres import PostgresDatasetSink  # psycopg only when asked for

        return PostgresDatasetSink(output, dataset, if_exists=if_exists, create=create)
    if "://" in output:
        raise UsageError(f"output: '{output.split('://')[0]}://' is not a known database; use sqlite:///PATH, "
                         "postgresql://... or a directory")
    if not create:
        raise UsageError("--no-create applies to databases (sqlite:///, postgresql://)")
    return DirectoryDatasetSink(output, dataset, fmt or "jsonl", open_sink, if_exists=if_exists,
                                csv_protect=csv_protect)


def redact_url(url: str) -> str:
    """The URL without its password: postgresql://user:***@host/db."""
    url = re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", url)
