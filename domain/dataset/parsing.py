"""Read a dataset payload (from JSON or YAML) into tables; every error names the file and the key path."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import attrs

from agentic_synth.domain.dataset.model import AGGREGATES, CARDINALITIES, Aggregate, Cardinality, Reference
from agentic_synth.domain.errors import SchemaError, UsageError
from agentic_synth.domain.schema.schema import Field, Schema, is_json_schema
from agentic_synth.domain.schema.types import LOCALES

DATASET_KEYS = ("seed", "locale", "tables")
TABLE_KEYS = ("count", "schema", "primary_key")
REF_KEYS = ("ref", "per_parent", "nullable", "null_rate", "unique", "description")
PER_PARENT_KEYS = ("distribution", "mean", "min", "max", "count")
_MAX_SEED = 2**63 - 1


class Where:
    """Builds errors naming the dataset file and the key: `shop.yaml: tables.orders.count: ...`."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, path: str, message: str) -> UsageError:
        return UsageError(f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}")

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...] | None = None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(path, f"expected a mapping, got {kind_of(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.error(path, f"keys must be strings, got {key!r}")
            if allowed is not None and key not in allowed:
                raise self.error(join(path, key), f"unknown key{hint(key, allowed)}; known: {', '.join(allowed)}")
        return value

    def whole(self, value: Any, path: str, *, low: int = 0, high: int = _MAX_SEED) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(path, f"must be a whole number >= {low}, got {value!r}")
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise self.error(path, f"must be a number, got {value!r}")
        return float(value)

    def dotted(self, value: Any, path: str, what: str) -> tuple[str, str]:
        """`table.column` split in two."""
        if not isinstance(value, str) or value.count(".") != 1 or not all(value.split(".")):
            raise self.error(path, f"expected '{what}', got {value!r}")
        table, column = value.split(".")
        return table, column


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def hint(word: str, choices: Any) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def kind_of(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing", bool: "a boolean"}.get(
        type(value), type(value).__name__)


@attrs.frozen
class RawColumn:
    """A column as the file gives it, before references are resolved: a field, or a reference/aggregate spec."""

    name: str
    path: str
    field: Field | None = None
    ref: Reference | None = None
    aggregate: Aggregate | None = None
    aggregate_type: str | None = None
    follows: str | None = None  # the `after` value naming another table's column


@attrs.frozen
class RawTable:
    name: str
    path: str
    columns: tuple[RawColumn, ...]
    count: int | None
    primary_key: tuple[str, ...] | None


def parse_cardinality(value: Any, path: str, where: Where) -> Cardinality:
    """`3` (fixed), `[1, 5]` (uniform), or {distribution: poisson|uniform|fixed, mean, min, max, count}."""
    if isinstance(value, int) and not isinstance(value, bool):
        n = where.whole(value, path)
        return Cardinality("fixed", n, n)
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise where.error(path, f"a range is [min, max], got {value!r}")
        first, last = (where.whole(v, f"{path}[{i}]") for i, v in enumerate(value))
        if first > last:
            raise where.error(path, f"min ({first}) is greater than max ({last})")
        return Cardinality("uniform", first, last)
    spec = where.mapping(value, path, PER_PARENT_KEYS)
    default = "poisson" if "mean" in spec else ("fixed" if "count" in spec else "uniform")
    kind = spec.get("distribution", default)
    if kind not in CARDINALITIES:
        raise where.error(join(path, "distribution"), f"'{kind}' is not one of {', '.join(CARDINALITIES)}"
                                                      f"{hint(kind, CARDINALITIES)}")
    if kind == "fixed":
        if set(spec) - {"distribution", "count"} or "count" not in spec:
            raise where.error(path, "a fixed cardinality takes only 'count' (children per parent)")
        n = where.whole(spec["count"], join(path, "count"))
        return Cardinality("fixed", n, n)
    if "count" in spec:
        raise where.error(join(path, "count"), f"applies to the fixed distribution, not to {kind}")
    lo: int = where.whole(spec.get("min", 0), join(path, "min"))
    hi: int | None = None if spec.get("max") is None else where.whole(spec["max"], join(path, "max"))
    if hi is not None and lo > hi:
        raise where.error(path, f"min ({lo}) is greater than max ({hi})")
    if kind == "uniform":
        if "mean" in spec:
            raise where.error(join(path, "mean"), "applies to the poisson distribution (uniform takes min and max)")
        if hi is None:
            raise where.error(join(path, "max"), "is required for a uniform cardinality")
        return Cardinality("uniform", lo, hi)
    if "mean" not in spec:
        raise where.error(join(path, "mean"), "is required for a poisson cardinality")
    mean = where.number(spec["mean"], join(path, "mean"))
    if not 0 < mean <= 1e6:
        raise where.error(join(path, "mean"), f"must be greater than 0 (and at most 1e6), got {mean}")
    return Cardinality("poisson", lo, hi, mean=mean)


def _null_rate(spec: Mapping[str, Any], path: str, where: Where) -> float:
    nullable = spec.get("nullable", False)
    if not isinstance(nullable, bool):
        raise where.error(join(path, "nullable"), f"must be true or false, got {nullable!r}")
    if "null_rate" in spec:
        rate = where.number(spec["null_rate"], join(path, "null_rate"))
        if not 0 <= rate < 1:
            raise where.error(join(path, "null_rate"), f"must be at least 0 and below 1, got {rate}")
        return rate
    return 0.1 if nullable else 0.0


def _reference(spec: Mapping[str, Any], path: str, where: Where) -> Reference:
    spec = where.mapping(spec, path, REF_KEYS)
    table, column = where.dotted(spec["ref"], join(path, "ref"), "table.column")
    per_parent = None if spec.get("per_parent") is None else parse_cardinality(
        spec["per_parent"], join(path, "per_parent"), where)
    distinct = spec.get("unique", False)
    if not isinstance(distinct, bool):
        raise where.error(join(path, "unique"), f"must be true or false, got {distinct!r}")
    return Reference(table=table, column=column, per_parent=per_parent, null_rate=_null_rate(spec, path, where),
                     distinct=distinct)


def _aggregate(spec: Mapping[str, Any], path: str, where: Where) -> tuple[Aggregate, str | None]:
    functions = [f for f in AGGREGATES if f in spec]
    if len(functions) != 1:
        raise where.error(path, f"give one of {', '.join(AGGREGATES)}, not {' and '.join(functions)}")
    function = functions[0]
    where.mapping(spec, path, (function, "type", "description"))
    kind = spec.get("type")
    if kind is not None and not isinstance(kind, str):
        raise where.error(join(path, "type"), f"must be a type name, got {kind!r}")
    if function == "count":
        table = spec["count"]
        if not isinstance(table, str) or not table or "." in table:
            raise where.error(join(path, "count"), f"names a child table, got {table!r}")
        return Aggregate("count", table), kind
    table, column = where.dotted(spec["sum"], join(path, "sum"), "child_table.column")
    return Aggregate("sum", table, column), kind


def _is_cross_table(spec: Any) -> bool:
    return isinstance(spec, Mapping) and isinstance(spec.get("after"), str) and "." in spec["after"]


def _columns(schema: Any, path: str, where: Where) -> tuple[RawColumn, ...]:
    """Split a table's fields: references and aggregates here, the rest parsed by the schema parser."""
    schema = where.mapping(schema, path)
    if not schema:
        raise where.error(path, "a table needs at least one field")
    if is_json_schema(schema):
        return tuple(RawColumn(name=f.name, path=join(path, f.name), field=f) for f in _own_fields(schema, path, where))
    special: dict[str, RawColumn] = {}
    own: dict[str, Any] = {}
    follows: dict[str, str] = {}
    for name, spec in schema.items():
        at = join(path, name)
        if isinstance(spec, Mapping) and "ref" in spec:
            special[name] = RawColumn(name=name, path=at, ref=_reference(spec, at, where))
        elif isinstance(spec, Mapping) and any(f in spec for f in AGGREGATES):
            aggregate, kind = _aggregate(spec, at, where)
            special[name] = RawColumn(name=name, path=at, aggregate=aggregate, aggregate_type=kind)
        elif _is_cross_table(spec):
            follows[name] = spec["after"]
            own[name] = {k: v for k, v in spec.items() if k != "after"}
        else:
            own[name] = spec
    fields = {f.name: f for f in _own_fields(own, path, where)} if own else {}
    return tuple(special[name] if name in special else
                 RawColumn(name=name, path=join(path, name), field=fields[name], follows=follows.get(name))
                 for name in schema)


def _own_fields(payload: Mapping[str, Any], path: str, where: Where) -> tuple[Field, ...]:
    try:
        return Schema.from_payload(dict(payload)).fields
    except SchemaError as exc:
        detail = exc.message.removeprefix("schema: ").removeprefix(f"{exc.path}: ") if exc.path else \
            exc.message.removeprefix("schema: ")
        raise where.error(join(path, exc.path), detail) from None


def _primary_key(value: Any, path: str, where: Where) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names or not all(isinstance(n, str) and n for n in names):
        raise where.error(path, f"expected a column name or a list of them, got {value!r}")
    if len(set(names)) != len(names):
        raise where.error(path, f"names a column twice: {names!r}")
    return tuple(names)


def parse_tables(payload: Any, where: Where) -> tuple[Mapping[str, Any], tuple[RawTable, ...]]:
    """The top-level keys (checked) and the tables as the file gives them, in file order."""
    top = where.mapping(payload, "", DATASET_KEYS)
    if "seed" in top and top["seed"] is not None:
        where.whole(top["seed"], "seed")
    if top.get("locale") is not None and top["locale"] not in LOCALES:
        raise where.error("locale", f"'{top['locale']}' is not one of {', '.join(LOCALES)}")
    tables_payload = top.get("tables")
    if not isinstance(tables_payload, Mapping) or not tables_payload:
        raise where.error("tables", f"must be a mapping of table names to tables, got {kind_of(tables_payload)}")
    tables = []
    for name, spec in tables_payload.items():
        path = join("tables", str(name))
        if not isinstance(name, str) or not name.replace("_", "a").isalnum() or name[0].isdigit():
            raise where.error(path, "a table name is letters, digits and '_', not starting with a digit")
        spec = where.mapping(spec, path, TABLE_KEYS)
        if "schema" not in spec:
            raise where.error(join(path, "schema"), "is required (the table's fields)")
        count = None if spec.get("count") is None else where.whole(spec["count"], join(path, "count"))
        tables.append(RawTable(name=name, path=path, columns=_columns(spec["schema"], join(path, "schema"), where),
                               count=count, primary_key=_primary_key(spec.get("primary_key"),
                                                                     join(path, "primary_key"), where)))
    return top, tuple(tables)
