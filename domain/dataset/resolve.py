"""Tie a dataset's tables together: order parents first, type references, and check keys, aggregates and `after`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.dataset.model import Column, Dataset, Follows, Table
from agentic_synth.domain.dataset.parsing import RawColumn, RawTable, Where, hint, join, parse_tables
from agentic_synth.domain.schema.schema import Field
from agentic_synth.domain.schema.types import NUMERIC_TYPES

_SUMMABLE = NUMERIC_TYPES - {"latitude", "longitude"}


def parse_dataset(payload: Any, *, source: str = "dataset") -> Dataset:
    """Check every key of a dataset before anything is made; errors read `shop.yaml: tables.orders...: ...`."""
    where = Where(source)
    top, raw = parse_tables(payload, where)
    by_name = {t.name: t for t in raw}
    order = _order(raw, by_name, where)
    tables: dict[str, Table] = {}
    for name in order:
        tables[name] = _resolve_table(by_name[name], tables, by_name, where)
    for table in tables.values():
        _check_aggregates(table, tables, where, by_name)
    return Dataset(tables=tuple(tables[n] for n in order), seed=top.get("seed"), locale=top.get("locale"),
                   source=source)


def _order(raw: tuple[RawTable, ...], by_name: Mapping[str, RawTable], where: Where) -> list[str]:
    """Parents before children (a stable topological order: file order where references allow it)."""
    for table in raw:
        for col in table.columns:
            if col.ref is not None and col.ref.table not in by_name:
                raise where.error(join(col.path, "ref"), f"no table '{col.ref.table}' in this dataset"
                                                         f"{hint(col.ref.table, by_name)}")
    done: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name):], name])
            raise where.error(f"tables.{name}", f"references make a cycle ({cycle}); a table may refer to "
                                                "itself, but tables may not refer to each other in a ring")
        visiting.append(name)
        for col in by_name[name].columns:
            if col.ref is not None and col.ref.table != name:
                visit(col.ref.table)
        visiting.pop()
        done.append(name)

    for table in raw:
        visit(table.name)
    return done


def _target(raw: RawColumn, table: RawTable, tables: Mapping[str, Table], where: Where) -> Field:
    """The field a reference points at (it must be a one-column primary key or a unique column)."""
    assert raw.ref is not None
    at = join(raw.path, "ref")
    if raw.ref.table == table.name:
        names = [c.name for c in table.columns]
        if raw.ref.column not in names:
            raise where.error(at, f"no column '{raw.ref.column}' in table '{table.name}'{hint(raw.ref.column, names)}")
        target_raw = next(c for c in table.columns if c.name == raw.ref.column)
        key = table.primary_key or (("id",) if "id" in names else ())
        if target_raw.field is None or (key != (raw.ref.column,) and not target_raw.field.unique):
            raise where.error(at, f"'{raw.ref.target}' must be the table's one-column primary key or a unique column")
        return _key_field(target_raw.field, key == (raw.ref.column,))
    parent = tables[raw.ref.table]
    if raw.ref.column not in parent.names:
        raise where.error(at, f"no column '{raw.ref.column}' in table '{parent.name}'"
                              f"{hint(raw.ref.column, parent.names)}")
    if raw.ref.column not in parent.unique_columns():
        raise where.error(at, f"'{raw.ref.target}' must be the primary key of '{parent.name}' or a unique column")
    return parent.column(raw.ref.column).field


def _key_field(field: Field, is_key: bool) -> Field:
    if is_key and field.type != "integer":
        return attrs.evolve(field, unique=True, nullable=False, null_rate=0.0)
    return field


def _resolve_table(raw: RawTable, tables: Mapping[str, Table], by_name: Mapping[str, RawTable],
                   where: Where) -> Table:
    names = [c.name for c in raw.columns]
    key = raw.primary_key if raw.primary_key is not None else (("id",) if "id" in names else ())
    for name in key:
        if name not in names:
            raise where.error(join(raw.path, "primary_key"), f"no column '{name}' in this table{hint(name, names)}")
    columns = [_column(c, raw, key, tables, where) for c in raw.columns]
    drivers = [c for c in columns if c.ref is not None and c.ref.per_parent is not None]
    if len(drivers) > 1:
        raise where.error(join(raw.path, "schema"), f"only one reference may set per_parent "
                                                    f"({', '.join(c.name for c in drivers)} do)")
    if drivers and raw.count is not None:
        raise where.error(join(raw.path, "count"), f"the table is made per parent of '{drivers[0].ref.table}'"  # type: ignore[union-attr]
                                                   f" ({drivers[0].name}.per_parent); drop count or per_parent")
    if not drivers and raw.count is None:
        raise where.error(join(raw.path, "count"), "is required (or give a reference per_parent)")
    _check_key(raw, key, columns, where)
    columns = [attrs.evolve(c, follows=_follows(c, columns, raw.name, tables, where,
                                                join(raw.path, f"schema.{c.name}.after")))
               if c.follows is not None else c for c in columns]
    return Table(name=raw.name, columns=tuple(columns), primary_key=key, count=raw.count)


def _column(raw: RawColumn, table: RawTable, key: tuple[str, ...], tables: Mapping[str, Table],
            where: Where) -> Column:
    if raw.ref is not None:
        ref = raw.ref
        target = _target(raw, table, tables, where)
        if ref.table == table.name:
            if ref.per_parent is not None:
                raise where.error(join(raw.path, "per_parent"), "a reference to the same table cannot set per_parent")
            ref = attrs.evolve(ref, null_rate=ref.null_rate or 0.1)  # the first rows have nobody earlier to refer to
        if ref.per_parent is not None and ref.distinct:
            raise where.error(join(raw.path, "unique"), "a reference with per_parent cannot be unique "
                                                        "(use per_parent {min: 0, max: 1} for at most one child)")
        if key == (raw.name,):
            if ref.per_parent is not None:
                raise where.error(join(table.path, "primary_key"), f"'{raw.name}' sets per_parent and so repeats; "
                                                                   "it cannot be the primary key")
            ref = attrs.evolve(ref, distinct=True)
        if key == (raw.name,) and ref.null_rate:
            raise where.error(raw.path, "a primary key cannot be null (drop nullable/null_rate)")
        field = Field(name=raw.name, type=target.type, format=target.format, precision=target.precision,
                      values=target.values, const=target.const, has_const=target.has_const,
                      nullable=ref.null_rate > 0, null_rate=ref.null_rate, unique=ref.distinct)
        return Column(field=field, ref=ref)
    if raw.aggregate is not None:
        field = Field(name=raw.name, type=raw.aggregate_type or "integer")  # typed in _check_aggregates
        return Column(field=field, aggregate=raw.aggregate)
    assert raw.field is not None
    field = raw.field
    is_key = key == (raw.name,)
    if is_key and field.nullable:
        raise where.error(raw.path, "a primary key cannot be null (drop nullable/null_rate)")
    sequence = is_key and field.type == "integer"
    if sequence and (field.distribution is not None or field.multiple_of is not None):
        raise where.error(raw.path, "an integer primary key is numbered 1, 2, 3... (or from its min); "
                                    "it takes no distribution or multiple_of")
    follows = None
    if raw.follows is not None:
        via, column = raw.follows.split(".", 1)
        follows = Follows(via=via, table="", column=column)
        field = attrs.evolve(field, after=raw.follows)
    return Column(field=_key_field(field, is_key), sequence=sequence, follows=follows)


def _check_key(raw: RawTable, key: tuple[str, ...], columns: list[Column], where: Where) -> None:
    if len(key) <= 1:
        return
    by_name = {c.name: c for c in columns}
    parts = [by_name[n] for n in key]
    if len(key) != 2 or any(c.ref is None for c in parts):
        raise where.error(join(raw.path, "primary_key"), "a primary key of several columns must be two references "
                                                         "(a link table); give other tables a one-column key")
    if any(c.ref is not None and c.ref.null_rate for c in parts):
        raise where.error(join(raw.path, "primary_key"), "the references of a primary key cannot be null")
    if all(c.ref is not None and c.ref.per_parent is not None for c in parts):  # cannot happen: one driver
        raise where.error(join(raw.path, "primary_key"), "only one reference may set per_parent")


def _follows(col: Column, columns: list[Column], table: str, tables: Mapping[str, Table], where: Where,
             at: str) -> Follows:
    """`after: users.signup` (the table's one reference to users) or `after: buyer_id.signup` (that reference)."""
    assert col.follows is not None
    via = col.follows.via
    refs = [c for c in columns if c.ref is not None and c.ref.table != table]
    chosen = [c for c in refs if c.name == via] or [c for c in refs if c.ref is not None and c.ref.table == via]
    if not chosen:
        raise where.error(at, f"'{via}' is neither a reference column of this table nor a table it refers to")
    if len(chosen) > 1:
        raise where.error(at, f"this table refers to '{via}' through {len(chosen)} columns "
                              f"({', '.join(c.name for c in chosen)}); write '<column>.{col.follows.column}'")
    ref_col = chosen[0]
    assert ref_col.ref is not None
    parent = tables[ref_col.ref.table]
    if col.follows.column not in parent.names:
        raise where.error(at, f"no column '{col.follows.column}' in table '{parent.name}'"
                              f"{hint(col.follows.column, parent.names)}")
    other = parent.column(col.follows.column).field
    if other.type != col.field.type:
        raise where.error(at, f"needs '{parent.name}.{other.name}' to be a {col.field.type} field like this one, "
                              f"it is {other.type}")
    if col.field.max is not None and other.max is not None and other.max >= col.field.max:
        raise where.error(at, f"max ({col.field.max.isoformat()}) must be later than the max of "
                              f"'{parent.name}.{other.name}' ({other.max.isoformat()})")
    return Follows(via=ref_col.name, table=parent.name, column=other.name)


def _check_aggregates(table: Table, tables: dict[str, Table], where: Where, raw: Mapping[str, RawTable]) -> None:
    """`sum: order_items.amount` and `count: order_items` need a child table made per parent of this one."""
    columns = list(table.columns)
    for i, col in enumerate(columns):
        agg = col.aggregate
        if agg is None:
            continue
        at = join(raw[table.name].path, f"schema.{col.name}.{agg.function}")
        child = tables.get(agg.table)
        if child is None:
            raise where.error(at, f"no table '{agg.table}' in this dataset{hint(agg.table, tables)}")
        driver = child.driver
        if driver is None or driver.ref is None or driver.ref.table != table.name or child.name == table.name:
            raise where.error(at, f"'{agg.table}' must be made per parent of '{table.name}' "
                                  f"(per_parent on its reference to {table.name})")
        if agg.function == "count":
            kind = col.field.type
            if kind != "integer":
                raise where.error(at, f"a count is an integer, not {kind}")
            continue
        assert agg.column is not None
        if agg.column not in child.names:
            raise where.error(at, f"no column '{agg.column}' in table '{child.name}'{hint(agg.column, child.names)}")
        source = child.column(agg.column)
        f = source.field
        if not source.is_own or f.type not in _SUMMABLE or f.unique or f.after:
            raise where.error(at, f"'{agg.source}' must be a plain number, integer or amount column of "
                                  f"'{child.name}' (not a key, reference, aggregate, unique or 'after' column)")
        declared = raw[table.name].columns[i].aggregate_type
        if declared is not None and declared not in _SUMMABLE:
            raise where.error(at, f"a sum is numeric, not {declared}")
        kind = declared or f.type
        precision = f.precision if f.precision is not None else (2 if f.type == "amount" else None)
        columns[i] = attrs.evolve(col, field=Field(name=col.name, type=kind, precision=precision))
    if columns != list(table.columns):
        tables[table.name] = attrs.evolve(table, columns=tuple(columns))
