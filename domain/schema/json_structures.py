"""JSON Schema objects and arrays compiled into Fields: properties, maps, patternProperties, tuples, contains."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from agentic_synth.domain.schema.fields import Field, Shape
from agentic_synth.domain.schema.json_view import Empty, Locs, Stop, View

if TYPE_CHECKING:
    from agentic_synth.domain.schema.json_compile import Compiler

VARIED_PRESENCE = 0.5  # optional properties of a node that is checked: present in about half the records
DEFAULT_MAX_ITEMS = 3


def object_field(c: Compiler, name: str, view: View, stack: tuple[str, ...]) -> Field:
    children: list[Field] = []
    checked = bool(view.nots or view.inexact or view.varied or view.max_properties is not None)
    declared = dict(view.properties)
    for key in sorted(view.required - set(declared)):  # required but not declared: what covers it applies
        declared[key] = [loc for p, locs in view.pattern_props.items() if _search(p, key) for loc in locs] or \
            list(view.additional or [])
    for key, locs in declared.items():
        required = key in view.required
        if key in view.absent:
            if required:
                raise Empty(f"property '{key}' is required and must be absent", view.where)
            continue
        if view.names and not required:
            checked = True  # an optional property's name must satisfy propertyNames too
        try:
            child = c.compile(key, locs, stack)
        except (Empty, Stop) as exc:
            if required:
                why = exc.detail.rsplit(", but ", 1)[-1]  # the innermost reason, at the innermost place
                raise type(exc)(f"property '{key}' is required, but {why}", exc.path or view.where) from None
            continue  # a property nothing can satisfy is left out
        presence = 1.0 if required else (VARIED_PRESENCE if checked or view.dep_required else 1.0)
        shape = attrs.evolve(child.shape or Shape(), presence=presence)
        children.append(attrs.evolve(child, required=required, shape=shape))
    additional = _optional(c, "additionalProperties", view.additional, stack)
    if view.additional is None and not view.closed_props and not view.pattern_props and not children:
        additional = Field(name="value", type="string", shape=Shape())  # a free-form object: a few words
    patterns, excluded = [], []
    for pattern, locs in view.pattern_props.items():
        field = _optional(c, pattern, locs, stack)
        if field is not None:
            patterns.append((pattern, field))
        else:
            excluded.append(pattern)
    names = None
    if view.names:
        try:
            names_view, _ = c.reader.view(view.names, stack)
            names_view.types = {"string"}
            names = c.from_view("key", names_view, stack)
        except Empty:  # no name is allowed: only the empty object
            if view.required or view.min_properties:
                raise Empty("propertyNames allows no name, yet properties are required", view.where) from None
            return Field(name=name, type="object", shape=Shape(pointer=view.where, max_properties=0))
    if len(children) < view.min_properties and additional is None and not patterns:
        raise Empty(f"minProperties {view.min_properties} asks for more properties than the schema allows",
                    view.where)
    deps = tuple((k, tuple(sorted(v))) for k, v in sorted(view.dep_required.items()))
    if any(d not in {f.name for f in children} for _, ds in deps for d in ds):
        checked = True
    shape = Shape(additional=additional, patterns=tuple(patterns), excluded=tuple(excluded), names=names,
                  min_properties=view.min_properties, max_properties=view.max_properties, depends=deps,
                  pointer=view.where, checks=c.checks(view) if checked else ())
    return Field(name=name, type="object", fields=tuple(children), shape=shape)


def _optional(c: Compiler, what: str, locs: Locs | None, stack: tuple[str, ...]) -> Field | None:
    """A subschema that may be left unused: None when nothing can satisfy it (or it recurses too deep)."""
    if locs is None:
        return None
    try:
        return c.compile(what, locs, stack)
    except (Empty, Stop):
        return None


def array_field(c: Compiler, name: str, view: View, stack: tuple[str, ...]) -> Field:
    prefix: list[Field] = []
    lo, hi = view.min_items, view.max_items
    for i, locs in enumerate(view.prefix):
        field = _optional(c, f"{i}", locs, stack)
        if field is None:
            if lo > i:
                raise Empty(f"prefixItems/{i} cannot be satisfied, and minItems asks for {lo} items", view.where)
            hi = i if hi is None else min(hi, i)
            break
        prefix.append(field)
    if view.closed_at is not None:
        hi = view.closed_at if hi is None else min(hi, view.closed_at)
        prefix = prefix[:view.closed_at]
    closed = (view.closed_at is not None and view.closed_at <= len(prefix)) or (
        view.unevaluated_items and view.items is None)
    items = None
    if view.items is not None and not closed:
        items = _optional(c, "items", view.items, stack)
        closed = items is None
    elif not closed:
        items = Field(name="items", type="string", shape=Shape())
    if closed:
        hi = len(prefix) if hi is None else min(hi, len(prefix))
    contains = None
    min_contains = 1 if view.min_contains is None else view.min_contains
    checked = bool(view.nots or view.inexact)
    if view.contains:
        contains = _optional(c, "contains", [*view.contains, *(view.items or [])], stack)
        if contains is None and min_contains > 0:
            raise Empty("contains: no item can satisfy it", view.where)
        checked = checked or bool(prefix) or view.max_contains is not None or contains is None
    if hi is None:
        hi = max(lo, len(prefix), min_contains if contains else 0, DEFAULT_MAX_ITEMS)
    if lo > hi:
        raise Empty(f"minItems ({lo}) is greater than the items allowed ({hi})", view.where)
    if contains is not None and min_contains > hi:
        raise Empty(f"minContains ({min_contains}) is greater than the items allowed ({hi})", view.where)
    if view.unique_items and (prefix or contains is not None):
        checked = True
    shape = Shape(prefix=tuple(prefix), closed=closed, contains=contains, min_contains=min_contains,
                  max_contains=view.max_contains, pointer=view.where, checks=c.checks(view) if checked else ())
    base = items or (prefix[0] if prefix else Field(name="items", type="string"))
    return Field(name=name, type="array", items=base, min_items=lo, max_items=hi, unique_items=view.unique_items,
                 shape=shape)


def _search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None
