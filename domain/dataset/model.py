"""The values of a dataset: tables, their columns, references, per-parent cardinalities and aggregates."""

from __future__ import annotations

import math

import attrs

from agentic_synth.domain.schema.schema import Field, Schema

CARDINALITIES = ("poisson", "uniform", "fixed")
AGGREGATES = ("sum", "count")


@attrs.frozen
class Cardinality:
    """How many children each parent row gets: fixed, uniform in [min, max], or Poisson(mean) kept in [min, max].

    A Poisson count outside the bounds is drawn again (truncated, not clipped), so the shape
    inside the bounds stays Poisson; `max` None means no upper bound.
    """

    distribution: str
    min: int
    max: int | None
    mean: float | None = None

    @property
    def expected(self) -> float:
        """A parent's expected number of children (for block sizes; the truncated Poisson's own mean is near it)."""
        if self.distribution == "poisson":
            assert self.mean is not None
            return self.mean
        assert self.max is not None
        return (self.min + self.max) / 2


@attrs.frozen
class Reference:
    """A foreign key: this column holds `table.column` of a parent row.

    `per_parent` makes the table one whose rows are made parent by parent (the driving reference);
    `null_rate` is the share of rows without a parent; `distinct` makes it one-to-one.
    """

    table: str
    column: str
    per_parent: Cardinality | None = None
    null_rate: float = 0.0
    distinct: bool = False

    @property
    def target(self) -> str:
        return f"{self.table}.{self.column}"


@attrs.frozen
class Aggregate:
    """A parent column computed from its children: `sum` of a child column, or the `count` of children."""

    function: str
    table: str
    column: str | None = None

    @property
    def source(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


@attrs.frozen
class Follows:
    """A cross-table `after`: this date/datetime is later than `column` of the parent that `via` points at."""

    via: str
    table: str
    column: str


@attrs.frozen
class Column:
    """One column of a table: its field (type and options), and what ties it to other tables."""

    field: Field
    ref: Reference | None = None
    aggregate: Aggregate | None = None
    follows: Follows | None = None
    sequence: bool = False  # an integer primary key numbered from field.min (default 1)

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def is_own(self) -> bool:
        """Made by the column engine (not a key sequence, a reference or an aggregate)."""
        return self.ref is None and self.aggregate is None and not self.sequence

    @property
    def sequence_start(self) -> int:
        return 1 if self.field.min is None else math.ceil(self.field.min)


@attrs.frozen
class Table:
    """A table: its columns in output order, its row count (or the reference that drives it), its primary key."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    count: int | None = None

    @property
    def schema(self) -> Schema:
        """Every column as a field with its resolved type (what sinks and validation see)."""
        return Schema(fields=tuple(c.field for c in self.columns))

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def driver(self) -> Column | None:
        """The reference with `per_parent`: rows are made parent by parent."""
        return next((c for c in self.columns if c.ref is not None and c.ref.per_parent is not None), None)

    @property
    def references(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.ref is not None)

    def unique_columns(self) -> tuple[str, ...]:
        """Columns whose values are unique on their own (a one-column key, or unique)."""
        single = self.primary_key if len(self.primary_key) == 1 else ()
        return tuple(c.name for c in self.columns if c.name in single or c.field.unique)


@attrs.frozen
class Dataset:
    """Tables in the order they are made (every parent before its children), and the file's seed and locale."""

    tables: tuple[Table, ...]
    seed: int | None = None
    locale: str | None = None
    source: str = "dataset"

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def children_of(self, name: str) -> tuple[Table, ...]:
        """Tables made parent by parent of `name` (their driving reference points at it)."""
        return tuple(t for t in self.tables if (d := t.driver) is not None and d.ref is not None
                     and d.ref.table == name and t.name != name)
