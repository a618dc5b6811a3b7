"""A JSON Schema node read as one View: `$ref`s followed, `allOf` merged, every draft spelled the 2020-12 way.

A View holds the keywords that constrain a value, intersected over all the nodes it was read from
(`locs`). Subschemas stay as lists of Locations (a list is their conjunction), so the compiler reads
them the same way, lazily. Where an intersection cannot be written exactly (two patterns, two
`contains`...), the View is marked `inexact`: the engine then checks values against the source nodes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.documents import Documents, Location
from agentic_synth.domain.schema.keywords import UNKNOWN
from agentic_synth.domain.schema.patterns import compile_pattern

TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")
Locs = list[Location]
# Keywords that only annotate (or that we deliberately read as annotations): never an error.
ANNOTATIONS = frozenset({
    "$schema", "$id", "id", "$comment", "$anchor", "$vocabulary", "title", "description", "default", "examples",
    "example", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "contentMediaType",
    "contentEncoding", "contentSchema", "discriminator", "xml", "externalDocs", "markdownDescription",
    "enumDescriptions", "markdownEnumDescriptions", "deprecationMessage", "errorMessage", "defaultSnippets",
    "doNotSuggest", "patternErrorMessage", "allowComments", "allowTrailingCommas", "tsType", "components",
    "openapi", "info", "$dynamicAnchor", "$recursiveAnchor", "nullable",
})
# Our own options, accepted on a property of a JSON Schema as in the compact format.
OPTIONS = frozenset({"distribution", "unique", "locale", "after", "null_rate", "nullRate", "precision", "weights",
                     "series_key", "seriesKey", "length", "probability", "label", "llm"})




class Empty(SchemaError):
    """No value satisfies a node (an empty intersection, or the `false` schema); `detail` says why."""

    def __init__(self, detail: str, path: str = "") -> None:
        super().__init__(detail, path)
        self.detail = detail


class Stop(Empty):
    """A recursive `$ref` reached the depth limit: the value cannot be made here."""


@attrs.define
class View:
    """The constraints on one value, intersected over the nodes in `locs`."""

    locs: Locs = attrs.Factory(list)
    types: set[str] | None = None  # None: any type
    consts: list[Any] = attrs.Factory(list)
    enum: list[Any] | None = None
    excluded: list[Any] = attrs.Factory(list)  # values `not: {const/enum}` rules out
    minimum: float | None = None
    minimum_excl: bool = False
    maximum: float | None = None
    maximum_excl: bool = False
    multiple_of: list[float] = attrs.Factory(list)
    int_bits: int | None = None  # format int32 / int64
    min_length: int = 0
    max_length: int | None = None
    patterns: list[str] = attrs.Factory(list)
    formats: list[str] = attrs.Factory(list)
    min_items: int = 0
    max_items: int | None = None
    unique_items: bool = False
    items: Locs | None = None
    prefix: list[Locs] = attrs.Factory(list)
    item_starts: list[int] = attrs.Factory(list)  # where each of `items` starts to apply (its node's prefix length)
    closed_at: int | None = None  # `items: false`: no item at or past this position
    unevaluated_items: bool = False
    contains: Locs = attrs.Factory(list)
    min_contains: int | None = None
    max_contains: int | None = None
    properties: dict[str, Locs] = attrs.Factory(dict)
    required: set[str] = attrs.Factory(set)
    additional: Locs | None = None
    closed_props: bool = False
    pattern_props: dict[str, Locs] = attrs.Factory(dict)
    names: Locs = attrs.Factory(list)
    min_properties: int = 0
    max_properties: int | None = None
    dep_required: dict[str, set[str]] = attrs.Factory(dict)
    dep_schemas: dict[str, Locs] = attrs.Factory(dict)
    any_of: list[Locs] = attrs.Factory(list)  # each a group of alternatives
    one_of: list[Locs] = attrs.Factory(list)
    nots: Locs = attrs.Factory(list)
    conditions: list[tuple[Location, Location | None, Location | None]] = attrs.Factory(list)
    varied: bool = False  # an alternative of a oneOf/if/dependency: its optional properties come and go
    absent: set[str] = attrs.Factory(set)  # keys this value must not have (`not: {required: [k]}`, oneOf)
    samples: list[Any] = attrs.Factory(list)
    options: dict[str, Any] = attrs.Factory(dict)
    description: str | None = None
    inexact: bool = False

    @property
    def where(self) -> str:
        return self.locs[0].where if self.locs else "#"


class Reader:
    """Builds Views from Locations: follows `$ref` (with a recursion limit) and merges `allOf`."""

    def __init__(self, docs: Documents, max_depth: int = 2) -> None:
        self.docs = docs
        self.max_depth = max_depth
        self.cut: set[str] = set()  # the references the recursion limit cut
        self.dynamic = False  # a $dynamicRef was read as a $ref: records are checked whole
        self.touched: list[set[str]] = [set()]  # per node being compiled: the references its subtree follows

    def view(self, locs: Locs, stack: tuple[str, ...] = ()) -> tuple[View, tuple[str, ...]]:
        """The View of the conjunction of `locs`; the ref stack grows by the references followed."""
        out = View()
        for loc in locs:
            stack = self._add(out, loc, stack)
        return out, stack

    def _add(self, out: View, loc: Location, stack: tuple[str, ...]) -> tuple[str, ...]:
        node = loc.node
        if node is True or node == {}:
            return stack
        if node is False:
            raise Empty("the schema is false: no value is allowed here", loc.where)
        if not isinstance(node, Mapping):
            raise SchemaError(f"a schema must be an object or a boolean, got {node!r}", loc.where)
        ref = node.get("$ref")
        dynamic = node.get("$dynamicRef")
        if isinstance(dynamic, str) and not isinstance(ref, str):
            ref = dynamic  # read as a plain $ref to the anchor; whole records are checked against the real rule
            self.dynamic = True
        if isinstance(ref, str):
            target = self.docs.resolve(ref, loc)
            self.touched[-1].add(target.uri)
            if stack.count(target.uri) >= self.max_depth:
                self.cut.add(target.where)
                raise Stop(f"$ref '{ref}' recurses deeper than {self.max_depth} levels", loc.where)
            stack = self._add(out, target, (*stack, target.uri))
            if loc.dialect in ("draft4", "draft6", "draft7", "openapi3.0"):
                return stack  # before 2019-09, the keywords beside $ref are ignored
        if "$recursiveRef" in node:
            raise SchemaError("$recursiveRef (draft 2019-09) is not supported (use $ref)", loc.where)
        out.locs.append(loc)
        unknown = UNKNOWN.get(loc.dialect, frozenset())
        merge_keywords(out, {k: v for k, v in node.items() if k not in unknown} if unknown & node.keys() else node,
                       loc)
        for i in range(len(node.get("allOf") or ())):
            stack = self._add(out, loc.child("allOf", i), stack)
        return stack


def _count(value: Any, key: str, loc: Location) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != int(value):
        raise SchemaError(f"{key} must be a whole number >= 0, got {value!r}", loc.where)
    return int(value)


def _number(value: Any, key: str, loc: Location) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SchemaError(f"{key} must be a finite number, got {value!r}", loc.where)
    return value


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema means it: 1 == 1.0, true != 1, objects regardless of key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def merge_keywords(out: View, node: Mapping[str, Any], loc: Location) -> None:
    """Intersect one node's own keywords (not `$ref`, not `allOf`) into `out`."""
    draft4 = loc.dialect in ("draft4", "openapi3.0")
    _merge_types(out, node, loc)
    _merge_values(out, node, loc)
    _merge_numbers(out, node, loc, draft4)
    _merge_strings(out, node, loc)
    _merge_arrays(out, node, loc)
    _merge_objects(out, node, loc)
    for i in range(len(node.get("anyOf") or ())):
        if i == 0:
            out.any_of.append([])
        out.any_of[-1].append(loc.child("anyOf", i))
    for i in range(len(node.get("oneOf") or ())):
        if i == 0:
            out.one_of.append([])
        out.one_of[-1].append(loc.child("oneOf", i))
    if "not" in node:
        out.nots.append(loc.child("not"))
    if "if" in node and loc.dialect not in ("draft4", "draft6", "openapi3.0"):
        out.conditions.append((loc.child("if"), loc.child("then") if "then" in node else None,
                               loc.child("else") if "else" in node else None))
    for key in ("default", "example"):
        if key in node:
            out.samples.append(node[key])
    if isinstance(node.get("examples"), list):
        out.samples.extend(node["examples"])
    for key in OPTIONS:
        if key in node:
            out.options.setdefault(key, node[key])
    if isinstance(node.get("description"), str) and out.description is None:
        out.description = node["description"]


def _merge_types(out: View, node: Mapping[str, Any], loc: Location) -> None:
    if "type" not in node:
        return
    raw = node["type"]
    names = raw if isinstance(raw, list) else [raw]
    if not names or not all(isinstance(t, str) and t in TYPES for t in names):
        raise SchemaError(f"type must name JSON types ({', '.join(TYPES)}), got {raw!r}", loc.where)
    kinds = set(names)
    if node.get("nullable") is True and loc.dialect == "openapi3.0":
        kinds.add("null")
    if "number" in kinds:
        kinds.add("integer")
    if out.types is None:
        out.types = kinds
        return
    both = out.types & kinds
    if not both:
        raise Empty(f"allOf: the types {sorted(out.types)} and {sorted(kinds)} have nothing in common", loc.where)
    out.types = both


def _merge_values(out: View, node: Mapping[str, Any], loc: Location) -> None:
    if "const" in node:
        if out.consts and not json_equal(out.consts[0], node["const"]):
            raise Empty(f"allOf: const {out.consts[0]!r} and const {node['const']!r} differ", loc.where)
        out.consts.append(node["const"])
    if "enum" in node:
        values = node["enum"]
        if not isinstance(values, list) or not values:
            raise SchemaError(f"enum must be a non-empty list, got {values!r}", loc.where)
        if out.enum is None:
            out.enum = list(values)
        else:
            out.enum = [v for v in out.enum if any(json_equal(v, w) for w in values)]
            if not out.enum:
                raise Empty("allOf: the enums have no value in common", loc.where)


def _merge_numbers(out: View, node: Mapping[str, Any], loc: Location, draft4: bool) -> None:
    lo = node.get("minimum")
    hi = node.get("maximum")
    for key, bound in (("minimum", lo), ("maximum", hi)):  # ours: ISO bounds of a date/time string
        if isinstance(bound, str):
            out.options.setdefault("min" if key == "minimum" else "max", bound)
    lo, hi = (None if isinstance(lo, str) else lo), (None if isinstance(hi, str) else hi)
    lo_x, hi_x = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if isinstance(lo_x, bool) or isinstance(hi_x, bool) or draft4:
        _bound(out, lo, bool(lo_x), "minimum", loc, low=True)
        _bound(out, hi, bool(hi_x), "maximum", loc, low=False)
    else:
        _bound(out, lo, False, "minimum", loc, low=True)
        _bound(out, hi, False, "maximum", loc, low=False)
        _bound(out, lo_x, True, "exclusiveMinimum", loc, low=True)
        _bound(out, hi_x, True, "exclusiveMaximum", loc, low=False)
    if "multipleOf" in node:
        step = _number(node["multipleOf"], "multipleOf", loc)
        if step <= 0:
            raise SchemaError(f"multipleOf must be greater than 0, got {step}", loc.where)
        out.multiple_of.append(step)
    fmt = node.get("format")
    if fmt in ("int32", "int64"):  # a range the values must stay in (not one to spread them over)
        bits = 31 if fmt == "int32" else 63
        out.int_bits = bits if out.int_bits is None else min(out.int_bits, bits)


def _bound(out: View, value: Any, exclusive: bool, key: str, loc: Location, *, low: bool) -> None:
    if value is None:
        return
    v = _number(value, key, loc)
    if low:
        if out.minimum is None or v > out.minimum or (v == out.minimum and exclusive):
            out.minimum, out.minimum_excl = v, exclusive
    elif out.maximum is None or v < out.maximum or (v == out.maximum and exclusive):
        out.maximum, out.maximum_excl = v, exclusive
    if out.minimum is not None and out.maximum is not None and (
            out.minimum > out.maximum or (out.minimum == out.maximum and (out.minimum_excl or out.maximum_excl))):
        out.types = (out.types or set(TYPES)) - {"integer", "number"}
        if not out.types:
            raise Empty(f"no number lies between the minimum {out.minimum} and the maximum {out.maximum}", loc.where)


def lcm_step(steps: list[float]) -> float | None:
    """The least common multiple of decimal steps (exact with fractions), None when it is not tame."""
    total = Fraction(0)
    for s in steps:
        f = Fraction(str(s))
        if total == 0:
            total = f
            continue
        num = total.numerator * f.denominator
        other = f.numerator * total.denominator
        total = Fraction(num * other // math.gcd(num, other), total.denominator * f.denominator)
    if total == 0 or total.denominator > 10**9 or total.numerator > 10**15:
        return None
    return float(total) if total.denominator != 1 else int(total)


def _merge_strings(out: View, node: Mapping[str, Any], loc: Location) -> None:
    if "minLength" in node:
        out.min_length = max(out.min_length, _count(node["minLength"], "minLength", loc))
    if "maxLength" in node:
        n = _count(node["maxLength"], "maxLength", loc)
        out.max_length = n if out.max_length is None else min(out.max_length, n)
    if "pattern" in node:
        pattern = node["pattern"]
        try:
            compile_pattern(pattern)
        except (re.error, TypeError) as exc:
            raise SchemaError(f"pattern {pattern!r} is not a regular expression Python can read: {exc}",
                              loc.where) from None
        if pattern not in out.patterns:
            out.patterns.append(pattern)
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt not in out.formats and fmt not in ("int32", "int64"):
        out.formats.append(fmt)


def _merge_arrays(out: View, node: Mapping[str, Any], loc: Location) -> None:
    if "minItems" in node:
        out.min_items = max(out.min_items, _count(node["minItems"], "minItems", loc))
    if "maxItems" in node:
        n = _count(node["maxItems"], "maxItems", loc)
        out.max_items = n if out.max_items is None else min(out.max_items, n)
    out.unique_items = out.unique_items or node.get("uniqueItems") is True
    items = node.get("items")
    prefix_key = "prefixItems" if isinstance(node.get("prefixItems"), list) else (
        "items" if isinstance(items, list) else None)
    rest_key = "items" if "items" in node and prefix_key != "items" else (
        "additionalItems" if prefix_key == "items" and "additionalItems" in node else None)
    own = len(node[prefix_key]) if prefix_key is not None else 0
    for i in range(own):  # earlier nodes' `items` also hold at this node's positions past their own prefix
        sub = loc.child(prefix_key, i)  # type: ignore[arg-type]
        if i < len(out.prefix):
            out.prefix[i].append(sub)
        else:
            out.prefix.append([sub, *(x for x, start in zip(out.items or [], out.item_starts, strict=True)
                                      if start <= i)])
    if rest_key is not None:
        sub = loc.child(rest_key)
        for i in range(own, len(out.prefix)):  # ...and this node's `items` at the others' positions past its own
            out.prefix[i].append(sub)
        if sub.node is False:
            out.closed_at = own if out.closed_at is None else min(out.closed_at, own)
        else:
            out.items = [*(out.items or []), sub]
            out.item_starts.append(own)
    if "contains" in node:
        out.contains.append(loc.child("contains"))
        if len(out.contains) > 1:
            out.inexact = True
    if "minContains" in node:
        out.min_contains = max(out.min_contains or 0, _count(node["minContains"], "minContains", loc))
    if "maxContains" in node:
        n = _count(node["maxContains"], "maxContains", loc)
        out.max_contains = n if out.max_contains is None else min(out.max_contains, n)
    if "unevaluatedItems" in node and node["unevaluatedItems"] is not True:
        out.inexact = True  # what is evaluated depends on the branches that match: checked
        if node["unevaluatedItems"] is False:
            out.unevaluated_items = True  # without `items`, nothing beyond prefixItems and contains is made
        elif "items" not in node:
            out.items = [*(out.items or []), loc.child("unevaluatedItems")]
            out.item_starts.append(own)


def _merge_objects(out: View, node: Mapping[str, Any], loc: Location) -> None:
    props: Mapping[str, Any] = node["properties"] if isinstance(node.get("properties"), Mapping) else {}
    patterns: Mapping[str, Any] = node["patternProperties"] if isinstance(node.get("patternProperties"),
                                                                            Mapping) else {}
    for pattern in patterns:
        try:
            compile_pattern(pattern)
        except re.error as exc:
            raise SchemaError(f"patternProperties: {pattern!r} is not a regular expression Python can read: {exc}",
                              loc.where) from None
    # keys this node declares that `out` sees as additional (or as matching its patterns), and back
    for name in props:
        extra = _covering(out.properties, out.pattern_props, out.additional, name)
        out.properties.setdefault(name, list(extra) if name not in out.properties else [])
        out.properties[name].append(loc.child("properties", name))
    own_additional = [loc.child("additionalProperties")] if "additionalProperties" in node and \
        node["additionalProperties"] is not True else []
    if "unevaluatedProperties" in node and node["unevaluatedProperties"] is not True:
        out.closed_props = True  # we only make keys some keyword evaluates: nothing is left unevaluated
        out.inexact = True  # ...but which keys are evaluated depends on the branches that match: checked
    for name, locs in out.properties.items():
        if name not in props:
            for pattern in patterns:
                if re.search(pattern, name):
                    locs.append(loc.child("patternProperties", pattern))
            if not any(re.search(p, name) for p in patterns):
                locs.extend(own_additional)
    for pattern in patterns:
        out.pattern_props.setdefault(pattern, []).append(loc.child("patternProperties", pattern))
        if own_additional or out.additional:
            out.inexact = True  # a key matching one node's pattern may be another's additional
    if own_additional:
        out.additional = [*(out.additional or []), *own_additional]
    required = node.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise SchemaError(f"'required' must be a list of property names, got {required!r}", loc.where)
    out.required.update(required)
    if "propertyNames" in node:
        out.names.append(loc.child("propertyNames"))
    if "minProperties" in node:
        out.min_properties = max(out.min_properties, _count(node["minProperties"], "minProperties", loc))
    if "maxProperties" in node:
        n = _count(node["maxProperties"], "maxProperties", loc)
        out.max_properties = n if out.max_properties is None else min(out.max_properties, n)
    deps = {k: v for k, v in (node.get("dependentRequired") or {}).items()}
    schemas = dict(node.get("dependentSchemas") or {})
    key = "dependentSchemas"
    if isinstance(node.get("dependencies"), Mapping):
        key = "dependencies"
        for k, v in node["dependencies"].items():
            (deps if isinstance(v, list) else schemas)[k] = v
    for k, v in deps.items():
        out.dep_required.setdefault(k, set()).update(x for x in v if isinstance(x, str))
    for k in schemas:
        out.dep_schemas.setdefault(k, []).append(loc.child(key, k))


def _covering(props: dict[str, Locs], patterns: dict[str, Locs], additional: Locs | None, name: str) -> Locs:
    """What a View already says about a key it does not name: its matching patterns, else its additional."""
    matched = [loc for p, locs in patterns.items() if re.search(p, name) for loc in locs]
    return matched if matched else list(additional or [])
