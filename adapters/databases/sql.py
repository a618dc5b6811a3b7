"""SQL for a dataset's tables: column types per dialect, CREATE TABLE with keys, and checks of existing tables."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from agentic_synth.domain.dataset.model import Column, Table
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.schema.schema import Field, thaw

IF_EXISTS = ("fail", "replace", "append")
# A field's family: what kind of SQL column holds it.
_FAMILY = {"integer": "integer", "number": "float", "latitude": "float", "longitude": "float", "amount": "decimal",
           "boolean": "boolean", "date": "date", "time": "time", "uuid": "uuid", "object": "json", "array": "json"}
_POSTGRES = {"integer": "BIGINT", "float": "DOUBLE PRECISION", "boolean": "BOOLEAN", "timestamp": "TIMESTAMPTZ",
             "date": "DATE", "time": "TIME", "uuid": "UUID", "json": "JSONB", "text": "TEXT"}
_SQLITE = {"integer": "INTEGER", "float": "REAL", "decimal": "REAL", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP",
           "date": "DATE", "time": "TIME", "uuid": "TEXT", "json": "TEXT", "text": "TEXT"}
# Which families of an existing column take a field's values (--no-create, --if-exists append).
ACCEPTS = {"integer": {"integer", "decimal"}, "float": {"float", "decimal"}, "decimal": {"decimal", "float"},
           "boolean": {"boolean"}, "timestamp": {"timestamp"}, "date": {"date"}, "time": {"time"},
           "uuid": {"uuid", "text"}, "json": {"json", "text"}, "text": {"text"}}


def _literal_family(values: list[object]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "float"
    return "text"


def family(f: Field) -> str:
    """integer, float, decimal, boolean, timestamp, date, time, uuid, json or text."""
    if f.type == "datetime":
        if f.format in ("epoch", "epoch_ms"):
            return "integer"
        return "timestamp" if f.format in (None, "iso") else "text"
    if f.type == "integer" and f.multiple_of and not float(f.multiple_of).is_integer():
        return "float"
    if f.type == "enum":
        return _literal_family([thaw(v) for v in f.values])
    if f.type == "const":
        return _literal_family([thaw(f.const)])
    return _FAMILY.get(f.type, "text")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_type(f: Field, dialect: str) -> str:
    kind = family(f)
    if dialect == "sqlite":
        return _SQLITE[kind]
    if kind == "decimal":
        digits = 2 if f.precision is None else f.precision
        return f"NUMERIC({max(18, digits + 12)}, {digits})"
    if kind == "text" and f.max_length is not None and f.max_length > 0:
        return f"VARCHAR({f.max_length})"
    return _POSTGRES[kind]


def create_table(table: Table, dialect: str, *, foreign_keys: bool = True) -> str:
    """CREATE TABLE with NOT NULL, UNIQUE, the primary key and (unless added later) a foreign key per reference."""
    lines = []
    for col in table.columns:
        f = col.field
        line = f"{quote(f.name)} {column_type(f, dialect)}"
        if not f.nullable:
            line += " NOT NULL"
        if f.unique and (f.name,) != table.primary_key:
            line += " UNIQUE"
        lines.append(line)
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(quote(n) for n in table.primary_key)})")
    if foreign_keys:
        lines.extend(foreign_key(col) for col in table.references)
    return f"CREATE TABLE {quote(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def foreign_key(col: Column) -> str:
    assert col.ref is not None
    return f"FOREIGN KEY ({quote(col.name)}) REFERENCES {quote(col.ref.table)} ({quote(col.ref.column)})"


def add_foreign_keys(table: Table) -> list[str]:
    """ALTER TABLE ... ADD FOREIGN KEY for each reference (the database checks every row when it runs)."""
    return [f"ALTER TABLE {quote(table.name)} ADD {foreign_key(col)}" for col in table.references]


@attrs.frozen
class ExistingColumn:
    """A column of a table already in the database: its family and whether it can be left out."""

    name: str
    family: str
    declared: str
    optional: bool  # nullable or with a default


def check_columns(table: Table, existing: Mapping[str, ExistingColumn], where: str) -> None:
    """Every column the dataset makes is there, of a type that takes its values; others may be left empty."""
    for col in table.columns:
        if col.name not in existing:
            raise UsageError(f"{where}: table {table.name} has no column '{col.name}' (the dataset makes it, "
                             f"as {family(col.field)}); add it or drop --no-create")
    for col in table.columns:
        have, kind = existing[col.name], family(col.field)
        if have.family != "any" and have.family not in ACCEPTS[kind]:
            raise UsageError(f"{where}: column {table.name}.{col.name} is {have.declared} in the database, but the "
                             f"dataset makes {col.field.type} values ({kind})")
    for name, have in existing.items():
        if name not in table.names and not have.optional:
            raise UsageError(f"{where}: column {table.name}.{name} is NOT NULL without a default, and the dataset "
                             f"does not make it")
