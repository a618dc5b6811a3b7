"""The JSON Schema corpora (JSON-Schema-Test-Suite, real-world schemas) and their checker: the real `jsonschema`.

Every generated record is judged by the `jsonschema` library under the schema's declared draft with
the format checker on (OpenAPI component schemas by `openapi-schema-validator`, built on it), never
by our own validator. Used by the corpus tests and by benchmarks/bench_jsonschema.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import referencing
import referencing.jsonschema

CORPUS = Path(__file__).parent / "corpus"
SUITE = CORPUS / "json-schema-test-suite"
REALWORLD = CORPUS / "realworld"
REMOTES_URL = "http://localhost:1234/"
DRAFTS = {"draft2020-12": "https://json-schema.org/draft/2020-12/schema",
          "draft7": "http://json-schema.org/draft-07/schema#"}


@attrs.frozen
class Case:
    """One schema of a corpus: what agentic-synth is given, and how its records are judged."""

    name: str
    schema: Any  # the payload given to agentic-synth (a dict), or a path with an optional #pointer
    check: Callable[[Any], list[str]]  # the jsonschema verdict on one record: its error messages
    keyword: str = ""  # the test-suite file (keyword) the case comes from


def _remotes(draft: str) -> Callable[[str], referencing.Resource[Any]]:
    """The suite's remote documents (http://localhost:1234/...), read from remotes/, never fetched."""
    default = referencing.jsonschema.specification_with(DRAFTS[draft])

    def retrieve(uri: str) -> referencing.Resource[Any]:
        if not uri.startswith(REMOTES_URL):
            raise referencing.exceptions.NoSuchResource(ref=uri)
        contents = json.loads((SUITE / "remotes" / uri[len(REMOTES_URL):]).read_text())
        return referencing.Resource.from_contents(contents, default_specification=default)
    return retrieve


def _errors(validator: Any) -> Callable[[Any], list[str]]:
    def check(record: Any) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}"
                for e in validator.iter_errors(record)]
    return check


def record_schema(case_schema: Any, draft: str) -> dict[str, Any]:
    """A test-suite schema typed as the one required property `value` of a record.

    The schema sits under $defs (definitions in draft 7) with an $id of its own, so that the
    references inside it still resolve against it; a boolean schema is inlined.
    """
    defs = "$defs" if draft == "draft2020-12" else "definitions"
    if isinstance(case_schema, bool):
        value: Any = case_schema
        extra: dict[str, Any] = {}
    else:
        embedded = dict(case_schema)
        embedded.setdefault("$id", "urn:agentic-synth:case")
        value = {"$ref": f"#/{defs}/case"}
        extra = {defs: {"case": embedded}}
    return {"$schema": DRAFTS[draft], "type": "object", "properties": {"value": value}, "required": ["value"],
            "additionalProperties": False, **extra}


def suite_cases(draft: str, *, formats: bool = True) -> Iterator[Case]:
    """Every test-suite schema of `draft` with at least one valid instance (optional/format included)."""
    folder = SUITE / "tests" / draft
    files = sorted(folder.glob("*.json")) + (sorted((folder / "optional" / "format").glob("*.json")) if formats
                                             else [])
    registry: referencing.Registry[Any] = referencing.Registry(retrieve=_remotes(draft))
    for path in files:
        keyword = path.stem if path.parent == folder else f"format:{path.stem}"
        for i, group in enumerate(json.loads(path.read_text())):
            if not any(t["valid"] for t in group["tests"]):
                continue
            schema = record_schema(group["schema"], draft)
            cls = jsonschema.validators.validator_for(schema)
            validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
            yield Case(name=f"{draft}/{keyword}/{i}: {group['description']}", schema=schema,
                       check=_errors(validator), keyword=keyword)


@cache
def _realworld_registry() -> referencing.Registry[Any]:
    """All real-world corpus files, under their file URI and under their own $id."""
    resources = []
    for path in REALWORLD.rglob("*.json"):
        if path.name == "manifest.json":
            continue
        contents = json.loads(path.read_text())
        declared = contents.get("$schema") if isinstance(contents, dict) and "openapi" not in contents else (
            DRAFTS["draft2020-12"])
        spec = referencing.jsonschema.specification_with(dialect(declared))
        resource = spec.create_resource(contents)
        resources.append((path.resolve().as_uri(), resource))
        if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
            resources.append((contents["$id"].rstrip("#"), resource))
            # SchemaStore files are referenced under both of its host names
            for a, b in (("json.schemastore.org", "www.schemastore.org"), ("www.schemastore.org",
                                                                              "json.schemastore.org")):
                if a in contents["$id"]:
                    resources.append((contents["$id"].rstrip("#").replace(a, b), resource))
    return referencing.Registry().with_resources(resources)


def manifest() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((REALWORLD / "manifest.json").read_text())
    return entries


def realworld_cases() -> Iterator[Case]:
    """The real-world corpus: each entry as a path (with #pointer) and its jsonschema checker."""
    for entry in manifest():
        path = (REALWORLD / entry["file"]).resolve()
        pointer = entry.get("pointer", "")
        yield Case(name=entry["name"], schema=f"{path}{pointer}", check=_realworld_checker(entry))


def dialect(declared: Any) -> str:
    """A declared $schema as the jsonschema library spells it (http, trailing #), draft 7 when absent."""
    if not isinstance(declared, str):
        return DRAFTS["draft7"]
    text = declared.replace("https://json-schema.org/draft-0", "http://json-schema.org/draft-0")
    return text if text.endswith("#") or "/draft/" in text else text + "#"


def _realworld_checker(entry: dict[str, Any]) -> Callable[[Any], list[str]]:
    path = (REALWORLD / entry["file"]).resolve()
    document = json.loads(path.read_text())
    pointer = entry.get("pointer", "")
    registry = _realworld_registry()
    if entry["kind"] == "openapi":
        import openapi_schema_validator as oas

        cls = oas.OAS30Validator if document["openapi"].startswith("3.0") else oas.OAS31Validator
        checker = oas.oas30_format_checker if cls is oas.OAS30Validator else oas.oas31_format_checker
        schema: dict[str, Any] = {"$ref": f"{path.as_uri()}{pointer}"}
        return _errors(cls(schema, registry=registry, format_checker=checker))
    declared = dialect(document.get("$schema"))
    cls = jsonschema.validators.validator_for({"$schema": declared})
    schema = {"$schema": declared, "$ref": f"{path.as_uri()}{pointer}"} if pointer else document
    if not pointer:
        return _errors(cls(schema, registry=registry.with_resource(
            path.as_uri(), referencing.jsonschema.specification_with(declared).create_resource(document)),
            format_checker=cls.FORMAT_CHECKER))
    return _errors(cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER))


def resolve_pointer(ref: str) -> Any:
    """The payload a `path#pointer` names (for tools that take a dict, not a path)."""
    path, _, pointer = ref.partition("#")
    node = json.loads(Path(path).read_text())
    for part in [p for p in pointer.split("/") if p]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node
