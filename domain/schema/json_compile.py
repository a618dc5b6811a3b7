"""JSON Schema compiled into Fields: types, alternatives (anyOf/oneOf/if/dependentSchemas), scalars.

Objects and arrays are in domain/schema/json_structures.py. Every node is read as a View (refs
followed, allOf merged); alternatives become union branches, each merged with the rest of its node.
Whatever generation cannot make exact by construction gets a check: the engine then tests values
against the source nodes and redraws the ones that fail.
"""

from __future__ import annotations

import math
import re
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.documents import Location
from agentic_synth.domain.schema.fields import Field, Shape, freeze
from agentic_synth.domain.schema.json_formats import KNOWN, string_format
from agentic_synth.domain.schema.json_view import (
    ANNOTATIONS,
    TYPES,
    Empty,
    Locs,
    Reader,
    Stop,
    View,
    json_equal,
    lcm_step,
    type_of,
)
from agentic_synth.domain.schema.keywords import UNKNOWN

# with a pattern, values come from these formats (the pattern checked)
STRICT_FORMATS = frozenset({"date-time", "date", "time", "uuid", "ipv4", "ipv6", "duration", "email", "idn-email",
                            "hostname", "idn-hostname"})
NULL_RATE = 0.1  # the share of nulls where null is one of a value's types
MAX_FIELDS = 50_000  # a schema that expands (through references) to more fields than this is refused
_OBJECT_KEYS = ("properties", "required", "additional", "pattern_props", "names", "min_properties",
                "max_properties", "dep_required", "dep_schemas")
_ARRAY_KEYS = ("items", "prefix", "contains", "min_items", "max_items", "unique_items", "min_contains",
               "max_contains")
_STRING_KEYS = ("min_length", "max_length", "patterns", "formats")
_NUMBER_KEYS = ("minimum", "maximum", "multiple_of")
_ORDER = ("object", "array", "string", "integer", "number", "boolean")


_DEFAULTS = {a.name: (a.default.factory() if isinstance(a.default, attrs.Factory) else a.default)  # type: ignore
             for a in attrs.fields(View)}


def _set(view: View, key: str) -> bool:
    return bool(getattr(view, key) != _DEFAULTS[key])


def inferred_types(view: View) -> set[str]:
    """The types a typeless node may take: those its keywords speak of, or any scalar when they say nothing."""
    if view.types is not None:
        return set(view.types)
    kinds = {kind for kind, keys in (("object", _OBJECT_KEYS), ("array", _ARRAY_KEYS), ("string", _STRING_KEYS),
                                     ("number", _NUMBER_KEYS)) if any(_set(view, k) for k in keys)}
    if view.formats and not kinds - {"string"}:
        kinds.add("string")
    if "number" in kinds:
        kinds.add("integer")
    return kinds or {"string", "integer", "boolean"}


def copy_view(view: View) -> View:
    """A View whose containers can be changed without touching `view`."""
    out = attrs.evolve(view)
    for a in attrs.fields(View):
        value = getattr(view, a.name)
        if isinstance(value, dict):
            setattr(out, a.name, {k: (list(v) if isinstance(v, list) else set(v) if isinstance(v, set) else v)
                                  for k, v in value.items()})
        elif isinstance(value, list):
            setattr(out, a.name, [list(v) if isinstance(v, list) else v for v in value])
        elif isinstance(value, set):
            setattr(out, a.name, set(value))
    return out


class Compiler:
    """Compiles the nodes of one schema's documents; collects notices (unknown formats, recursion cut)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.notices: list[str] = []
        self._spent = 0
        # nodes -> [(how often each reference it follows was on the stack, its Field or why none)]
        self._memo: dict[tuple[str, ...], list[tuple[tuple[tuple[str, int], ...], Field | Empty]]] = {}

    def compile(self, name: str, locs: Locs, stack: tuple[str, ...] = ()) -> Field:
        """The Field for the conjunction of `locs`; Empty when nothing fits, Stop at the recursion limit.

        Results are remembered per nodes, with the count on the stack of each reference their subtree
        follows (nothing else of the stack changes the result): a definition used in many places is
        compiled once or a few times (the Fields are shared, being frozen values).
        """
        key = tuple(loc.uri for loc in locs)
        found: Field | Empty | None = None
        for signature, known in self._memo.get(key, ()):
            if all(stack.count(ref) == n for ref, n in signature):
                self.reader.touched[-1].update(ref for ref, _ in signature)
                found = known
                break
        if found is None:
            self.reader.touched.append(set())
            try:
                view, inner = self.reader.view(locs, stack)
                found = self.from_view(name, view, inner)
            except Empty as exc:
                found = exc
            finally:
                touched = self.reader.touched.pop()
                self.reader.touched[-1] |= touched
            self._memo.setdefault(key, []).append((tuple((ref, stack.count(ref)) for ref in touched), found))
        if isinstance(found, Empty):
            raise found
        return found if found.name == name else attrs.evolve(found, name=name)

    def from_view(self, name: str, view: View, stack: tuple[str, ...]) -> Field:
        self._spent += 1
        if self._spent > MAX_FIELDS:
            raise SchemaError(f"the schema expands to more than {MAX_FIELDS:,} fields through its references",
                              view.where)
        for kind, groups in (("oneOf", view.one_of), ("anyOf", view.any_of)):
            if groups:
                rest = copy_view(view)
                getattr(rest, "one_of" if kind == "oneOf" else "any_of").pop(0)
                return self._alternatives(name, view, rest, groups[0], stack, exclusive=kind == "oneOf")
        if view.conditions:
            return self._condition(name, view, stack)
        optional = [k for k in view.dep_schemas if k not in view.required]
        if optional:
            return self._dependency(name, view, optional[0], stack)
        for k in list(view.dep_schemas):  # a required trigger: its schema always applies
            for loc in view.dep_schemas.pop(k):
                stack = self._merge(view, loc, stack)
        return self._plain(name, view, stack)

    def _merge(self, view: View, loc: Location, stack: tuple[str, ...]) -> tuple[str, ...]:
        return self.reader._add(view, loc, stack)

    def _alternatives(self, name: str, whole: View, rest: View, group: Locs, stack: tuple[str, ...], *,
                      exclusive: bool) -> Field:
        branches: list[Field] = []
        failures: list[Empty] = []
        wanted = [set(r for r in loc.node.get("required", ()) if isinstance(r, str))
                  if isinstance(loc.node, dict) else set() for loc in group]
        unknown = UNKNOWN.get(group[0].dialect, frozenset())
        if exclusive and sum(loc.node is True or (isinstance(loc.node, dict)
                                                  and not set(loc.node) - ANNOTATIONS - unknown) for loc in group) > 1:
            raise Empty("oneOf: two alternatives allow every value, so no value matches exactly one", whole.where)
        for i, loc in enumerate(group):
            branch = copy_view(rest)
            branch.varied = branch.varied or exclusive
            if exclusive:  # keys other alternatives require are left out here, so that those do not match
                branch.absent |= set().union(*(w for j, w in enumerate(wanted) if j != i)) - wanted[i] - rest.required
            try:
                sub = self._merge(branch, loc, stack)
                branches.append(self.from_view(name, branch, sub))
            except (Empty, Stop) as exc:
                failures.append(exc)
        if not branches:
            raise failures[0] if len(failures) == 1 else type(failures[0])(
                f"{'oneOf' if exclusive else 'anyOf'}: no alternative can be satisfied ({failures[0].detail})",
                whole.where)
        checks = self.checks(whole) if exclusive and not _disjoint(branches) else ()
        return self._union(name, branches, whole, checks, exclusive=exclusive)

    def _condition(self, name: str, view: View, stack: tuple[str, ...]) -> Field:
        cond, then, other = view.conditions[0]
        rest = copy_view(view)
        rest.conditions.pop(0)
        branches: list[Field] = []
        for case, locs in enumerate(([cond] + ([then] if then else []), [other] if other else [])):
            branch = copy_view(rest)
            branch.varied = True
            if case == 1:
                _exclude_discriminator(branch, cond)
            try:
                sub = stack
                for loc in locs:
                    sub = self._merge(branch, loc, sub)
                branches.append(self.from_view(name, branch, sub))
            except (Empty, Stop):
                continue
        if not branches:
            raise Empty("if/then/else: neither the then nor the else case can be satisfied", view.where)
        return self._union(name, branches, view, self.checks(view))

    def _dependency(self, name: str, view: View, key: str, stack: tuple[str, ...]) -> Field:
        """dependentSchemas of an optional key: records with the key (and its schema) or without it."""
        with_key, without = copy_view(view), copy_view(view)
        with_key.varied = without.varied = True
        locs = with_key.dep_schemas.pop(key)
        without.dep_schemas.pop(key)
        with_key.required.add(key)
        without.properties[key] = [attrs.evolve(locs[0], node=False)]
        branches: list[Field] = []
        for branch, extra in ((with_key, locs), (without, [])):
            try:
                sub = stack
                for loc in extra:
                    sub = self._merge(branch, loc, sub)
                branches.append(self.from_view(name, branch, sub))
            except (Empty, Stop):
                continue
        if not branches:
            raise Empty(f"dependentSchemas: '{key}' can be neither present nor absent", view.where)
        return self._union(name, branches, view, ())

    def _union(self, name: str, branches: list[Field], view: View, checks: tuple[str, ...], *,
               exclusive: bool = False) -> Field:
        flat: list[Field] = []
        for b in branches:  # a union of unions is one union (the inner checks move to the inner branches)
            if b.type == "union" and b.shape is not None and not b.nullable:
                flat.extend(with_checks(x, b.shape.checks) if b.shape.checks else x for x in b.shape.branches)
            else:
                flat.append(b)
        branches = flat
        nulls = [b for b in branches if b.type == "const" and b.const is None and not (b.shape and b.shape.checks)]
        if nulls and len(branches) > len(nulls) and not checks:  # anyOf [X, null]: a nullable X
            rest = [b for b in branches if b not in nulls]
            one = rest[0] if len(rest) == 1 else self._union(name, rest, view, (), exclusive=exclusive)
            return attrs.evolve(one, nullable=True, null_rate=NULL_RATE)
        if len(branches) == 1 and not checks:
            return branches[0]
        nullable = any(b.nullable for b in branches)
        shape = Shape(branches=tuple(attrs.evolve(b, nullable=False, null_rate=0.0) for b in branches),
                      exclusive=exclusive, checks=checks, pointer=view.where)
        return Field(name=name, type="union", nullable=nullable, null_rate=NULL_RATE if nullable else 0.0,
                     shape=shape, description=view.description)

    def checks(self, view: View) -> tuple[str, ...]:
        return tuple(dict.fromkeys(loc.uri for loc in view.locs if loc.doc))  # (not the nodes we made up)

    def _plain(self, name: str, view: View, stack: tuple[str, ...]) -> Field:
        types = inferred_types(view)
        exact = not view.inexact
        for loc in view.nots:  # `not: {type: ...}` takes types away; other negations are checked
            node = loc.node
            if node is True or (isinstance(node, dict) and set(node) <= ANNOTATIONS):
                raise Empty("not: its schema allows every value, so nothing is allowed here", loc.where)
            if isinstance(node, dict) and set(node) == {"required"} and isinstance(node["required"], list):
                keys = set(node["required"])
                if keys <= view.required:
                    raise Empty(f"not: the keys {sorted(keys)} are required, and must not all be there", loc.where)
                if len(keys - view.required) == 1:
                    view.absent |= keys - view.required  # the one key that is not required must be absent
                    continue
            if isinstance(node, dict) and set(node) in ({"const"}, {"enum"}) and (view.consts or view.enum):
                view.excluded.extend([node["const"]] if "const" in node else list(node["enum"] or ()))
                continue  # `not: {const/enum}` beside an enum: those values are left out
            if isinstance(node, dict) and set(node) == {"type"}:
                banned = set(node["type"] if isinstance(node["type"], list) else [node["type"]])
                types -= banned | ({"integer"} if "number" in banned else set())
            else:
                exact = False
        if view.consts or view.enum is not None:
            return self._values(name, view, set(TYPES) if view.types is None else types, exact)
        nullable = "null" in types
        kinds = [t for t in _ORDER if t in types and not (t == "integer" and "number" in types)]
        fields: list[Field] = []
        failure: Empty | None = None
        for kind in kinds:
            try:
                fields.append(self._typed(name, view, kind, stack))
            except Empty as exc:
                failure = failure or exc
        if not fields and view.types is None:  # a typeless node whose keywords cannot hold: other types can
            for kind in ("string", "integer", "boolean", "object", "array"):
                if kind not in kinds and kind in types | {"string", "integer", "boolean", "object", "array"}:
                    try:
                        fields.append(self._typed(name, View(locs=view.locs), kind, stack))
                        exact = False
                        break
                    except Empty:
                        continue
        if not fields and failure is not None and not nullable:
            raise failure
        if not fields:
            if not nullable:
                raise Empty("no type is left that satisfies this schema", view.where)
            field = Field(name=name, type="const", const=None, has_const=True, shape=Shape(pointer=view.where))
        elif len(fields) == 1:
            field = fields[0]
        else:
            field = self._union(name, fields, view, ())
        if nullable and field.type != "const":
            field = attrs.evolve(field, nullable=True, null_rate=NULL_RATE)
        if not exact:
            field = with_checks(field, self.checks(view))
        return attrs.evolve(field, description=view.description) if view.description else field

    def _values(self, name: str, view: View, types: set[str], exact: bool) -> Field:
        values = list(view.enum) if view.enum is not None else [view.consts[0]]
        if view.consts:
            values = [v for v in values if json_equal(v, view.consts[0])]
        values = [v for v in values if not any(json_equal(v, x) for x in view.excluded)]
        values = [v for v in values if type_of(v) in types or (type_of(v) == "integer" and "number" in types)]
        if not values:
            raise Empty("no value of the enum/const has an allowed type", view.where)
        others = any(_set(view, k) for k in (*_OBJECT_KEYS, *_ARRAY_KEYS, *_STRING_KEYS, *_NUMBER_KEYS))
        shape = Shape(pointer=view.where, checks=self.checks(view) if others or not exact else ())
        if len(values) == 1:
            return Field(name=name, type="const", const=freeze(values[0]), has_const=True, shape=shape,
                         description=view.description)
        return Field(name=name, type="enum", values=tuple(freeze(v) for v in values), shape=shape,
                     description=view.description)

    def _typed(self, name: str, view: View, kind: str, stack: tuple[str, ...]) -> Field:
        from agentic_synth.domain.schema.json_structures import array_field, object_field

        if kind == "object":
            return object_field(self, name, view, stack)
        if kind == "array":
            return array_field(self, name, view, stack)
        if kind == "string":
            return self._string(name, view)
        if kind in ("integer", "number"):
            return self._number(name, view, kind)
        return Field(name=name, type="boolean", shape=Shape(pointer=view.where), extras=_extras(view))

    def _string(self, name: str, view: View) -> Field:
        kind, fmt = "string", None
        formats = [f for f in view.formats if f in KNOWN and f not in ("int32", "int64", "float", "double")]
        for unknown in [f for f in view.formats if f not in KNOWN]:
            self.notices.append(f"{view.where}: format '{unknown}' is not one we know; its values are plain strings")
        if formats:
            kind, fmt = string_format(formats[0])
        pattern = view.patterns[0] if view.patterns else None
        inexact = len(view.patterns) > 1 or len(formats) > 1 or (pattern is not None and bool(formats))
        if pattern is not None and not (formats and formats[0] in STRICT_FORMATS):
            kind, fmt = "string", None  # a pattern says more than a loose format (uri...): drawn from it, checked
            inexact = inexact or any(look in pattern for look in ("(?=", "(?!", "(?<=", "(?<!"))
        if kind != "string" and (view.min_length or view.max_length is not None):
            inexact = True
        if view.max_length is not None and view.min_length > view.max_length:
            raise Empty(f"minLength ({view.min_length}) is greater than maxLength ({view.max_length})", view.where)
        samples = tuple(s for s in view.samples if isinstance(s, str) and _fits_string(s, view)) \
            if kind == "string" and fmt is None else ()
        shape = Shape(pointer=view.where, samples=samples, checks=self.checks(view) if inexact else ())
        if kind in ("datetime", "date", "time"):
            return Field(name=name, type=kind, format=fmt, shape=shape, extras=_extras(view),
                         **_options(view, kind, ("min", "max", "after", "unique")))
        return Field(name=name, type=kind, format=fmt, pattern=pattern if kind == "string" else None,
                     min_length=view.min_length or None, max_length=view.max_length, shape=shape,
                     extras=_extras(view), **_options(view, kind))

    def _number(self, name: str, view: View, kind: str) -> Field:
        lo, hi = view.minimum, view.maximum
        step: float | None = None
        if view.multiple_of:
            step = lcm_step([*view.multiple_of, 1] if kind == "integer" else view.multiple_of)
            if step is None:
                raise SchemaError(f"multipleOf {view.multiple_of} has no common multiple we can draw", view.where)
        if kind == "integer" and lo is not None and hi is not None:
            ilo = int(-(-lo // 1)) + (1 if view.minimum_excl and float(lo).is_integer() else 0)
            ihi = int(hi // 1) - (1 if view.maximum_excl and float(hi).is_integer() else 0)
            if ilo > ihi:
                raise Empty(f"no integer lies between {lo} and {hi}", view.where)
        samples = tuple(s for s in view.samples if type_of(s) in (kind, "integer") and _fits_number(s, view))
        if lo is not None and hi is None:
            hi = lo + 1000
        if hi is not None and lo is None:
            lo = hi - 1000
        limit = float(2 ** (view.int_bits if view.int_bits is not None else 63) - 1)  # what int64 can draw
        if lo is not None and hi is not None:
            lo, hi = max(lo, -limit - 1), min(hi, limit)
            if kind == "integer" and lo > hi:
                raise Empty(f"no integer lies between {view.minimum} and {view.maximum} in its format", view.where)
            if not math.isfinite(hi - lo):  # a span a float cannot hold: the middle of it
                lo, hi = (max(lo, -1e300), min(hi, 1e300)) if kind == "number" else (lo, hi)
        shape = Shape(pointer=view.where, samples=samples)
        field = Field(name=name, type=kind, min=lo, max=hi, exclusive_min=view.minimum_excl,
                      exclusive_max=view.maximum_excl, multiple_of=step, shape=shape, extras=_extras(view),
                      **_options(view, kind))
        if step is not None:
            from agentic_synth.domain.schema.bounds import multiples_between

            lo_ = field.min if field.min is not None else (field.max - 1000 if field.max is not None else 0)
            hi_ = field.max if field.max is not None else lo_ + 1000  # unset bounds span 1000, as documented
            a, b = multiples_between(lo_, hi_, step, exclusive_min=view.minimum_excl,
                                     exclusive_max=view.maximum_excl)
            if a > b:
                raise Empty(f"no multiple of {step} lies between {field.min} and {field.max}", view.where)
        return field


def _exclude_discriminator(branch: View, cond: Location) -> None:
    """The else of `if: {properties: {k: {const: v}}}`: k is not v (said on k, so its enum leaves v out)."""
    node = cond.node
    if not isinstance(node, dict) or not set(node) <= {"properties", "required"} or not isinstance(
            node.get("properties"), dict) or len(node["properties"]) != 1:
        return
    (key, sub), = node["properties"].items()
    if isinstance(sub, dict) and set(sub) <= {"const", "enum"} and key in branch.required:
        made_up = attrs.evolve(cond, node={"not": sub}, doc="", pointer="")
        branch.properties.setdefault(key, []).append(made_up)


def with_checks(field: Field, checks: tuple[str, ...]) -> Field:
    shape = field.shape or Shape()
    return attrs.evolve(field, shape=attrs.evolve(shape, checks=tuple(dict.fromkeys((*shape.checks, *checks)))))


def _disjoint(branches: list[Field]) -> bool:
    """Whether no value can match two of these branches (distinct scalar types, or distinct constants)."""
    kinds = [b.type for b in branches]
    scalar = {"boolean", "string", "integer", "number", "object", "array"}
    overlap = "integer" in kinds and "number" in kinds
    if all(k in scalar for k in kinds) and len(set(kinds)) == len(kinds) and not overlap and not any(
            b.shape and b.shape.checks for b in branches):
        return True
    if all(b.type == "const" for b in branches):
        return len({repr(b.const) for b in branches}) == len(branches)
    return False


def _fits_string(value: str, view: View) -> bool:
    if len(value) < view.min_length or (view.max_length is not None and len(value) > view.max_length):
        return False
    return all(re.search(p, value) for p in view.patterns)


def _fits_number(value: Any, view: View) -> bool:
    if view.minimum is not None and (value < view.minimum or (view.minimum_excl and value == view.minimum)):
        return False
    if view.maximum is not None and (value > view.maximum or (view.maximum_excl and value == view.maximum)):
        return False
    return all(float(value / m).is_integer() for m in view.multiple_of)


_OWN = ("unique", "distribution", "locale", "after", "precision", "null_rate", "nullable", "series_key", "llm")


def _options(view: View, kind: str, keys: tuple[str, ...] = _OWN) -> dict[str, Any]:
    """Our own options on a JSON Schema property (unique, distribution...), read as the compact format does."""
    if not view.options:
        return {}
    from agentic_synth.domain.schema.compact import build_field

    spec = {"type": kind, **{k: v for k, v in view.options.items() if k not in ("label", "length", "probability")
                             and (k not in ("min", "max") or kind in ("datetime", "date", "time"))}}
    parsed = build_field("x", spec, view.where)
    return {k: getattr(parsed, k) for k in keys if getattr(parsed, k) != attrs.fields_dict(Field)[k].default}


def _extras(view: View) -> tuple[tuple[str, Any], ...]:
    return tuple((k, freeze(v)) for k, v in view.options.items() if k in ("length", "probability", "label"))


__all__ = ["TYPES", "Compiler", "inferred_types", "with_checks"]
