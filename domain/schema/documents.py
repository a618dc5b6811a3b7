"""JSON Schema documents: dialects, `$id`s, JSON pointers and `$ref` resolution (local, sibling file, bundled)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin

import attrs

from agentic_synth.domain.errors import SchemaError
from agentic_synth.domain.schema.keywords import UNKNOWN, check_keywords

ROOT_URI = "urn:agentic-synth:schema"
DIALECTS = {  # $schema (without the trailing '#', http or https) -> our name for the dialect
    "json-schema.org/draft-04/schema": "draft4", "json-schema.org/draft-06/schema": "draft6",
    "json-schema.org/draft-07/schema": "draft7", "json-schema.org/draft/2019-09/schema": "draft2019-09",
    "json-schema.org/draft/2020-12/schema": "draft2020-12",
    "spec.openapis.org/oas/3.1/dialect/base": "draft2020-12",
}
DIALECT_URIS = {"draft4": "http://json-schema.org/draft-04/schema#", "draft6": "http://json-schema.org/draft-06/schema#",
                "draft7": "http://json-schema.org/draft-07/schema#",
                "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
                "draft2020-12": "https://json-schema.org/draft/2020-12/schema"}
# Keywords whose value is one schema, a map of schemas, or a list of schemas: where $ids may hide.
_ONE = ("additionalProperties", "additionalItems", "items", "contains", "propertyNames", "not", "if", "then",
        "else", "unevaluatedProperties", "unevaluatedItems", "contentSchema")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies")
_REF_HIDES = frozenset({"draft4", "draft6", "draft7", "openapi3.0"})  # dialects where `$ref` hides its siblings
_APPLIED_MAP = tuple(k for k in _MAP if k not in ("$defs", "definitions"))
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
Loader = Callable[[str], Any]
_SAFE = "/~!$&'()*+,;=:@-._"  # kept as they are in a URI fragment; everything else is percent-encoded


def dialect_of(payload: Any, default: str = "draft2020-12") -> str:
    """Our name for the dialect a document declares with `$schema` (OpenAPI documents by their version)."""
    if isinstance(payload, Mapping) and isinstance(payload.get("openapi"), str):
        return "openapi3.0" if payload["openapi"].startswith("3.0") else "draft2020-12"
    declared = payload.get("$schema") if isinstance(payload, Mapping) else None
    if declared is None:
        return default
    key = str(declared).split("://", 1)[-1].rstrip("#")
    if key.endswith("draft-03/schema"):
        raise SchemaError("JSON Schema draft 3 is not supported (drafts 4, 6, 7, 2019-09 and 2020-12 are)", "#/$schema")
    return DIALECTS.get(key, default)


def is_meta_schema(uri: str) -> bool:
    """Is `uri` one of the drafts' own meta-schemas or vocabularies (which the jsonschema library holds)?"""
    where = urldefrag(uri)[0].split("://", 1)[-1].rstrip("#")
    return where in DIALECTS or where.startswith("json-schema.org/")


def join(base: str, ref: str) -> str:
    """`ref` resolved against `base` (URNs and other non-hierarchical bases take fragments only)."""
    if ref.startswith("#"):
        return urldefrag(base)[0] + ref
    if ":" in ref.split("/", 1)[0]:
        return ref
    return urljoin(base, ref)


def split_pointer(pointer: str) -> list[str]:
    return [unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")] if pointer \
        else []


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@attrs.frozen
class Location:
    """A schema node and where it is: its resource's URI, the pointer from that document's root, its base URI."""

    node: Any
    doc: str
    pointer: str
    base: str
    dialect: str
    label: str = ""  # how messages name the document: nothing for the user's own, a file name for others

    @property
    def uri(self) -> str:
        return f"{self.doc}#{quote(self.pointer, safe=_SAFE)}"

    @property
    def where(self) -> str:
        """The JSON pointer as messages show it: `#/properties/a` (`spdx.schema.json#/enum` in another file)."""
        return f"{self.label}#{self.pointer}"

    def child(self, *tokens: str | int) -> Location:
        node = self.node
        for t in tokens:
            node = node[t]
        pointer = self.pointer + "".join(f"/{escape(str(t))}" for t in tokens)
        return _located(node, self.doc, pointer, self.base, self.dialect, self.label)


def _located(node: Any, doc: str, pointer: str, base: str, dialect: str, label: str = "") -> Location:
    """A node's location, with the base URI moved by its own `$id` (draft 4 `id`)."""
    if isinstance(node, Mapping):
        ident = node.get("id" if dialect == "draft4" else "$id")
        ref_wins = dialect in _REF_HIDES and "$ref" in node
        if isinstance(ident, str) and not ident.startswith("#") and not ref_wins:
            base = join(base, ident)
    return Location(node, doc, pointer, base, dialect, label)


class Documents:
    """The documents of one schema: the root, the resources it embeds, and sibling files read through `loader`."""

    def __init__(self, root: Any, uri: str = ROOT_URI, loader: Loader | None = None) -> None:
        self.loader = loader
        self._labels: dict[str, str] = {}
        self.docs: dict[str, Any] = {}  # document URI (no fragment) -> payload
        self.dialects: dict[str, str] = {}
        self.ids: dict[str, tuple[str, str]] = {}  # absolute $id / anchor URI -> (document URI, pointer)
        self.aliases: dict[str, str] = {}  # where a document was read -> its own $id (its name from then on)
        self.root_uri = uri
        self.root = self.add(uri, root, dialect_of(root))
        self.root_uri = self.root.doc

    def add(self, where: str, payload: Any, dialect: str) -> Location:
        """Register a document read from `where`; it is known by its own `$id` when it has one."""
        ident = payload.get("id" if dialect == "draft4" else "$id") if isinstance(payload, Mapping) else None
        uri = join(where, ident).rstrip("#") if isinstance(ident, str) and not ident.startswith("#") else where
        label = self._label(where)
        if uri != where:
            self.aliases[where] = uri
            self.ids.setdefault(where, (uri, ""))
        self.docs[uri] = payload
        self.dialects[uri] = dialect
        self._labels[uri] = label
        top = _located(payload, uri, "", uri, dialect, label)
        self.ids.setdefault(uri, (uri, ""))
        refs: list[tuple[str, Location]] = []
        for loc in _walk(top):
            node = loc.node
            check_keywords(node, loc.where, loc.dialect)  # every keyword's value of the kind its meta-schema says
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
                refs.append((node["$ref"], loc))
            ident = node.get("id" if loc.dialect == "draft4" else "$id")
            ref_wins = loc.dialect in _REF_HIDES and "$ref" in node
            if isinstance(ident, str) and not ident.startswith("#") and not ref_wins:
                self.ids.setdefault(loc.base.rstrip("#"), (uri, loc.pointer))  # the base its $id gave it
            for key in ("$anchor", "$dynamicAnchor"):
                anchor = node.get(key)
                if isinstance(anchor, str):
                    self.ids.setdefault(urldefrag(loc.base)[0] + "#" + anchor, (uri, loc.pointer))
            if isinstance(ident, str) and ident.startswith("#") and len(ident) > 1:  # draft 6/7 plain-name id
                self.ids.setdefault(urldefrag(loc.base)[0] + ident, (uri, loc.pointer))
        for ref, loc in refs:  # every reference within the document resolves, used or not
            if join(loc.base, ref).startswith(urldefrag(uri)[0] + "#"):
                self.resolve(ref, loc)
        return top

    def check_references(self, start: Location) -> None:
        """Every `$ref` a validator can reach from `start` resolves, other documents' included: `validate`
        follows those the engine skips (inside a `not`). The drafts' meta-schemas are the validator's own."""
        seen: set[tuple[str, str]] = set()
        todo = [start]
        while todo:
            top = todo.pop()
            if (top.doc, top.pointer) in seen:
                continue
            for loc in _walk(top, applied=True):
                if (loc.doc, loc.pointer) in seen:
                    continue
                seen.add((loc.doc, loc.pointer))
                for key in ("$ref", "$dynamicRef"):
                    ref = loc.node.get(key)
                    if key in UNKNOWN.get(loc.dialect, frozenset()) or not isinstance(ref, str):
                        continue
                    if not is_meta_schema(join(loc.base, ref)):
                        todo.append(self.resolve(ref, loc))

    def resolve(self, ref: str, at: Location) -> Location:
        """The node `ref` (seen at `at`) names; SchemaError naming `at` when it cannot be found."""
        target = join(at.base, ref)
        if target in self.ids:
            return self._at(*self.ids[target])
        resource, fragment = urldefrag(target)
        if resource in self.ids:
            doc, pointer = self.ids[resource]
        elif resource in self.docs:
            doc, pointer = resource, ""
        else:
            doc, pointer = self._load(resource, ref, at), ""
            if target in self.ids:
                return self._at(*self.ids[target])
        if fragment and not fragment.startswith("/"):
            raise SchemaError(f"$ref '{ref}': no anchor '{fragment}' in {resource}", at.where)
        start = self._at(doc, pointer)
        node = start.node
        path = start.pointer
        for token in split_pointer(fragment):
            key: Any = int(token) if isinstance(node, list) and token.isdigit() else token
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                raise SchemaError(f"$ref '{ref}' points to nothing (no '{token}')", at.where) from None
            path += "/" + escape(token)
        return self._at(doc, path)

    def _label(self, doc: str) -> str:
        if doc in self._labels:
            return self._labels[doc]
        return "" if doc == self.root_uri else doc.rstrip("/").rsplit("/", 1)[-1]

    def _at(self, doc: str, pointer: str) -> Location:
        """The location of `pointer` in `doc`, with the base URI every $id on the way gives it."""
        dialect = self.dialects[doc]
        loc = _located(self.docs[doc], doc, "", doc, dialect, self._label(doc))
        for token in split_pointer(pointer):
            key: Any = int(token) if isinstance(loc.node, list) else token
            loc = _located(loc.node[key], doc, loc.pointer + "/" + escape(token), loc.base, dialect, loc.label)
        return loc

    def _load(self, resource: str, ref: str, at: Location) -> str:
        payload = self.loader(resource) if self.loader is not None else None
        if payload is None:
            raise SchemaError(f"$ref '{ref}' names {resource}, which is not here (remote references are never "
                              f"downloaded: save it as a file next to the schema)", at.where)
        return self.add(resource, payload, dialect_of(payload, self.dialects.get(at.doc, "draft2020-12"))).doc

    def items(self) -> Iterator[tuple[str, Any, str]]:
        for uri, payload in self.docs.items():
            yield uri, payload, self.dialects[uri]


def _walk(loc: Location, *, applied: bool = False) -> Iterator[Location]:
    """Every schema object under `loc` (itself included), following the keywords that hold schemas.

    `applied`: only those a validator applies to a value, as the dialect reads them: not definitions
    (`$defs`, `definitions`, OpenAPI components), not keywords the dialect does not have, and, before
    2019-09, nothing beside a `$ref` (it hides its siblings)."""
    node = loc.node
    if not isinstance(node, Mapping):
        return
    yield loc
    if applied and loc.dialect in _REF_HIDES and "$ref" in node:
        return
    skip = UNKNOWN.get(loc.dialect, frozenset()) if applied else frozenset()
    for key in _ONE:
        if key not in skip and isinstance(node.get(key), Mapping):
            yield from _walk(loc.child(key), applied=applied)
    for key in _APPLIED_MAP if applied else _MAP:
        if key not in skip and isinstance(node.get(key), Mapping):
            for name, sub in node[key].items():
                if isinstance(sub, Mapping):
                    yield from _walk(loc.child(key, name), applied=applied)
    for key in _LIST:
        if key not in skip and isinstance(node.get(key), list):
            for i, sub in enumerate(node[key]):
                if isinstance(sub, Mapping):
                    yield from _walk(loc.child(key, i), applied=applied)
    if not applied and isinstance(node.get("components"), Mapping) \
            and isinstance(node["components"].get("schemas"), Mapping):
        for name in node["components"]["schemas"]:
            yield from _walk(loc.child("components", "schemas", name))

