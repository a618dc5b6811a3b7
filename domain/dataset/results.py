"""What a dataset run made: rows and time per table, the seed, where it went (and the rows, when kept in memory)."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define
class TableRun:
    """One table of a run: its rows and the seconds spent making and writing them."""

    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@attrs.define
class DatasetMetadata:
    """A dataset run's figures (also written by --report)."""

    seed: int
    locale: str
    output: str | None = None
    format: str | None = None
    seconds: float = 0.0
    tables: dict[str, TableRun] = attrs.field(factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "dataset", "seed": self.seed, "locale": self.locale, "output": self.output,
                "format": self.format, "rows": self.rows, "seconds": round(self.seconds, 4),
                "tables": {name: {"rows": t.rows, "seconds": round(t.seconds, 4)} for name, t in self.tables.items()}}


@attrs.define
class DatasetResult:
    """The run's metadata, and each table's rows as dicts when no output was given (else empty)."""

    tables: dict[str, list[dict[str, Any]]]
    metadata: DatasetMetadata

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table]
