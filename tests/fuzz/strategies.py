"""Hypothesis strategies for hostile input: compact schemas, JSON Schemas, configs, batch files and CLI argument lists.

Each strategy mixes what a careful user writes with what a hostile one does: extreme and non-finite
numbers, huge sizes, deep nesting, odd JSON shapes where an object or a list belongs, names with
dots, NULs, lone surrogates and terminal escapes, costly or broken regular expressions. Values are
JSON (written with `json.dumps(..., allow_nan=True)`, so NaN and Infinity appear as Python's reader
accepts them).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hypothesis import strategies as st

from agentic_synth.domain.schema.types import ALIASES, FIELD_TYPES

KEY = "sk-fuzz-canary-9f8e7d6c5b4a3928171615141312"  # a key that must never be echoed
SECRET = "fuzz-secret-Value-0042"  # the value of FUZZ_SECRET in the CLI worker; configs use ${FUZZ_SECRET}

# --- values ---------------------------------------------------------------------------------------

HOSTILE_TEXT = ("", " ", "a.b", "\x00", "\x1b]0;pwned\x07", "\x1b[2J", "\udc80", "\ud83d", "\u202eevil", "é",
                "${GEMINI_API_KEY}", "${NOPE}", "$$", KEY, "a" * 300, "../../etc/passwd", "CON", "-", "=1+2", "null")
EXTREME_NUMBERS = (0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, -(10**30), 10**400,
                   1e308, -1e308, 5e-324, 1e-300, 0.1, -0.0, float("inf"), float("-inf"), float("nan"), 10**9,
                   999_999_999_999)


def texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12),
                     st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8))


def numbers() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(EXTREME_NUMBERS), st.integers(-1000, 1000),
                     st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), numbers(), texts())


def json_values(depth: int = 2) -> st.SearchStrategy[Any]:
    return st.recursive(scalars(), lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(texts(), inner, max_size=3)),
                        max_leaves=6 if depth else 1)


def dumps(value: Any) -> str:
    """JSON text as a file on disk would hold it (NaN/Infinity allowed; lone surrogates escaped; nesting as deep
    as `deep_schema` makes it)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * MAX_DEEP + 1000))
    try:
        return json.dumps(value, allow_nan=True, ensure_ascii=True)
    finally:
        sys.setrecursionlimit(limit)


# --- patterns -------------------------------------------------------------------------------------

PATTERN_PIECES = ("[a-z]{3}", "\\d{2,4}", "[A-Z]", "(a|b)", "x?", "[0-9a-f]+", "-", "\\.", "(ab)*", "\\w", "\\s",
                  "(a+)+", "(a|aa)*", "(.*a){12}", "[z-a]", "\\b", "\\B", "x{1000000}", "a{2,1}", "(?=a)", "(?!b)",
                  "(?P<n>a)(?P=n)", "\\1", "[^\\x00-\\U0010ffff]", "[[:alpha:]]", "(", ")", "*", "\\", "\udc80",
                  "\\x00", "\\p{L}", "é+", "^", "$", "|", "[\\s\\S]{5}", "(?i)abc", "\\u0041{3}")


def patterns() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PATTERN_PIECES), min_size=1, max_size=4).map("".join)


# --- compact schemas ------------------------------------------------------------------------------

TYPE_NAMES = tuple(sorted(FIELD_TYPES)) + tuple(sorted(ALIASES)) + ("Integer", "date time", "nope", "", "object_")
OPTION_KEYS = ("min", "max", "minimum", "maximum", "exclusive_min", "exclusive_max", "exclusiveMinimum",
               "multiple_of", "multipleOf", "precision", "pattern", "min_length", "max_length", "minLength",
               "maxLength", "nullable", "null_rate", "unique", "required", "enum", "weights", "const", "format",
               "locale", "after", "items", "min_items", "max_items", "minItems", "maxItems", "unique_items",
               "length", "probability", "distribution", "fields", "properties", "description", "llm", "x-note",
               "bogus")


def _option_value(key: str) -> st.SearchStrategy[Any]:
    if key in ("pattern",):
        return st.one_of(patterns(), scalars())
    if key in ("min", "max", "minimum", "maximum"):
        return st.one_of(numbers(), st.sampled_from(("2024-01-01T00:00:00Z", "2024-12-31", "09:00:00", "0001-01-01",
                                                     "9999-12-31T23:59:59Z", "not a date", "2024-02-30")))
    if key in ("enum", "weights"):
        return st.one_of(st.lists(scalars(), max_size=6), scalars(), st.lists(json_values(), max_size=3))
    if key == "format":
        return st.sampled_from(("iso", "epoch", "epoch_ms", "%d/%m/%Y", "%Y", "%", "name", "email", "bogus"))
    if key == "distribution":
        return st.one_of(st.sampled_from(("uniform", "normal", "lognormal", "exponential", "poisson", "zipf")),
                         st.fixed_dictionaries({"kind": st.sampled_from(("normal", "lognormal", "exponential",
                                                                         "poisson")),
                                                "mean": numbers(), "std": numbers(), "sigma": numbers(),
                                                "scale": numbers(), "lam": numbers()}))
    if key == "locale":
        return st.sampled_from(("en_US", "de_DE", "fr_FR", "es_ES", "xx_XX", ""))
    if key in ("nullable", "unique", "required", "exclusive_min", "exclusive_max", "unique_items"):
        return st.one_of(st.booleans(), scalars())
    return json_values()


@st.composite
def field_specs(draw: st.DrawFn, depth: int = 0) -> Any:
    """One compact field spec: a type name, an enum list, an object of options, or nested fields."""
    shape = draw(st.sampled_from(("name", "options", "options", "enum", "nested", "array", "junk")))
    if shape == "name":
        return draw(st.sampled_from(TYPE_NAMES))
    if shape == "enum":
        return draw(st.lists(scalars(), min_size=1, max_size=5))
    if shape == "junk":
        return draw(scalars())
    if shape == "nested" and depth < 4:
        return draw(compact_schemas(depth + 1, max_fields=3))
    if shape == "array" and depth < 4:
        spec = {"type": "array", "items": draw(field_specs(depth + 1))}
        for key in draw(st.lists(st.sampled_from(("min_items", "max_items", "unique_items")), max_size=2)):
            spec[key] = draw(st.one_of(st.integers(0, 6), _option_value(key)))
        return spec
    spec: dict[str, Any] = {"type": draw(st.sampled_from(TYPE_NAMES))}
    for key in draw(st.lists(st.sampled_from(OPTION_KEYS), max_size=4, unique=True)):
        spec[key] = draw(_option_value(key))
    return spec


def field_names() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(("id", "name", "a", "a.b", "b", "x", "created", "updated", "price")), texts())


@st.composite
def compact_schemas(draw: st.DrawFn, depth: int = 0, max_fields: int = 6) -> dict[str, Any]:
    names = draw(st.lists(field_names(), min_size=1, max_size=max_fields, unique=True))
    return {name: draw(field_specs(depth)) for name in names}


MAX_DEEP = 1500  # the deepest nesting drawn (the JSON reader refuses it beyond ~1,000 levels)


def deep_schema(depth: int, *, kind: str = "object") -> dict[str, Any]:
    """Objects (or arrays) nested `depth` levels deep."""
    spec: Any = "integer"
    for _ in range(depth):
        spec = {"x": spec} if kind == "object" else {"type": "array", "items": spec, "max_items": 1}
    return {"root": spec}


def extreme_schemas() -> st.SearchStrategy[dict[str, Any]]:
    """The limits a front end must check up front: depth, width, sizes, ranges, `after` cycles, name clashes."""
    return st.one_of(
        st.integers(1, MAX_DEEP).map(deep_schema),
        st.integers(1, MAX_DEEP).map(lambda d: deep_schema(d, kind="array")),
        st.integers(1, 20_000).map(lambda n: {f"f{i}": "integer" for i in range(n)}),
        st.sampled_from(("maxItems", "max_items", "maxLength", "max_length", "length")).flatmap(
            lambda key: st.sampled_from((10**6, 10**9, 2**63, 10**30)).map(
                lambda size: {"a": {"type": "array" if "tems" in key else "string", key: size,
                                    **({"items": "word"} if "tems" in key else {})}})),
        st.fixed_dictionaries({"a": st.fixed_dictionaries({"type": st.just("datetime"), "after": st.just("b")}),
                               "b": st.fixed_dictionaries({"type": st.just("datetime"), "after": st.just("a")})}),
        st.just({"a.b": "integer", "a": {"b": "word"}}),
        st.fixed_dictionaries({"n": st.fixed_dictionaries({
            "type": st.sampled_from(("integer", "number", "amount", "latitude")), "min": numbers(), "max": numbers(),
            "precision": st.one_of(st.none(), st.integers(-3, 400)), "multiple_of": st.one_of(st.none(), numbers())})}),
        st.fixed_dictionaries({"e": st.fixed_dictionaries({"enum": st.lists(json_values(), min_size=1, max_size=5)})}),
        st.builds(lambda n: {"e": {"enum": list(range(n))}}, st.sampled_from((1, 10**5, 10**6))),
        st.fixed_dictionaries({"p": st.fixed_dictionaries({"type": st.just("string"), "pattern": patterns()})}),
    )


# --- JSON Schema ------------------------------------------------------------------------------------

JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")
JSON_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
                 "pattern", "format", "enum", "const", "minItems", "maxItems", "uniqueItems", "default", "title",
                 "nullable", "x-unique", "description", "examples")
JSON_FORMATS = ("date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname", "regex", "duration")


@st.composite
def json_subschemas(draw: st.DrawFn, depth: int = 0) -> Any:
    shape = draw(st.sampled_from(("typed", "typed", "typed", "combinator", "ref", "junk", "list-type")))
    if shape == "junk":
        return draw(st.one_of(scalars(), st.lists(scalars(), max_size=2)))
    if shape == "ref":
        return {"$ref": draw(st.sampled_from(("#/$defs/thing", "#/definitions/x", "#", "http://x/y", "#/$defs/nope")))}
    if shape == "combinator" and depth < 4:
        key = draw(st.sampled_from(("oneOf", "anyOf", "allOf", "not")))
        parts = draw(st.lists(json_subschemas(depth + 1), min_size=0, max_size=3))
        return {key: parts if key != "not" else (parts[0] if parts else {})}
    kind: Any = draw(st.sampled_from(JSON_TYPES))
    if shape == "list-type":
        kind = draw(st.lists(st.sampled_from(JSON_TYPES), min_size=1, max_size=3))
    out: dict[str, Any] = {"type": kind}
    if kind == "object" and depth < 4:
        out["properties"] = draw(st.dictionaries(field_names(), json_subschemas(depth + 1), max_size=3))
        out["required"] = draw(st.one_of(st.lists(field_names(), max_size=2), scalars()))
    if kind == "array" and depth < 4:
        out["items"] = draw(st.one_of(json_subschemas(depth + 1), st.lists(json_subschemas(depth + 1), max_size=2)))
    for key in draw(st.lists(st.sampled_from(JSON_KEYWORDS), max_size=3, unique=True)):
        if key == "pattern":
            out[key] = draw(st.one_of(patterns(), scalars()))
        elif key == "format":
            out[key] = draw(st.sampled_from(JSON_FORMATS))
        elif key == "enum":
            out[key] = draw(st.one_of(st.lists(json_values(), max_size=4), scalars()))
        elif key in ("title", "description"):
            out[key] = draw(texts())
        else:
            out[key] = draw(st.one_of(numbers(), json_values()))
    return out


@st.composite
def json_schemas(draw: st.DrawFn) -> dict[str, Any]:
    root: dict[str, Any] = {"type": "object",
                            "properties": draw(st.dictionaries(field_names(), json_subschemas(), min_size=1,
                                                               max_size=5))}
    if draw(st.booleans()):
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if draw(st.booleans()):
        root["$defs"] = {"thing": draw(json_subschemas(2))}
    if draw(st.booleans()):
        root["required"] = list(root["properties"])[:2]
    if draw(st.integers(0, 9)) == 0:  # an odd shape where the object belongs
        root["properties"] = draw(st.one_of(st.lists(scalars(), max_size=3), scalars()))
    return root


# --- configuration files -------------------------------------------------------------------------------

CONFIG_PATHS = {
    "apiKeys": lambda: st.dictionaries(st.sampled_from(("gemini", "openRouter", "other")), st.one_of(texts(),
                                       st.just(KEY)), max_size=2),
    "cache": lambda: st.dictionaries(st.sampled_from(("enabled", "maxSize", "maxBytes", "ttl", "persistPath", "policy",
                                                      "bogus")), st.one_of(scalars(), st.just("${FUZZ_SECRET}")),
                                     max_size=3),
    "providers": lambda: st.dictionaries(
        st.one_of(st.sampled_from(("local", "gemini", "openrouter", "My Provider")), texts()),
        st.one_of(st.dictionaries(st.sampled_from(("type", "baseUrl", "apiKey", "models", "timeout", "maxRetries",
                                                   "maxConcurrency", "requestsPerMinute")),
                                  st.one_of(scalars(), st.just(KEY), st.lists(texts(), max_size=2)), max_size=4),
                  scalars()), max_size=2),
    "models": lambda: st.dictionaries(st.sampled_from(("catalog", "routing", "defaults", "bogus")), json_values(),
                                      max_size=2),
    "llm": lambda: st.dictionaries(st.sampled_from(("maxCalls", "timeout", "progressWindow", "minProgress",
                                                    "handOverAfter")), scalars(), max_size=2),
    "generators": lambda: json_values(),
    "integrations": lambda: json_values(),
    "bogus": lambda: scalars(),
}


@st.composite
def configs(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(json_values())  # not an object at the top
    keys = draw(st.lists(st.sampled_from(tuple(CONFIG_PATHS)), max_size=4, unique=True))
    return {key: draw(CONFIG_PATHS[key]()) for key in keys}


# --- batch files ----------------------------------------------------------------------------------------

def _not_a_long_run(value: Any) -> bool:
    """A count past a few thousand is a long run, not a hang (command lines and batch files skip it)."""
    return not (isinstance(value, int | float) and not isinstance(value, bool) and value > 5000)


@st.composite
def batch_files(draw: st.DrawFn) -> Any:
    """A batch file (docs/batch.md): jobs with names, kinds, schemas, counts, formats and outputs, some hostile."""
    outputs = st.one_of(st.sampled_from(("a.jsonl", "b.csv", "sub/c.json", "../out.jsonl", "/tmp/x.jsonl", "a.jsonl",
                                         "a.jsonl/b.jsonl", "sub", "d.parquet", "", "x" * 300 + ".jsonl",
                                         "nul\x00.jsonl", ".", "sub/../../e.jsonl")), texts())
    job = st.one_of(st.fixed_dictionaries(
        {"name": st.one_of(st.sampled_from(("users", "orders", "a", "users", "b/c", "", "..")), texts()),
         "kind": st.sampled_from(("structured", "timeseries", "events", "nope")),
         "schema": st.one_of(st.just({"id": "uuid", "n": "integer"}), compact_schemas(max_fields=2), scalars())},
        optional={"count": st.one_of(st.integers(0, 20), numbers().filter(_not_a_long_run)), "output": outputs,
                  "format": st.sampled_from(("csv", "jsonl", "json", "parquet", "xml")), "seed": numbers(),
                  "options": st.one_of(st.just({"interval": "1m", "series": 2}), json_values())}),
        json_values())
    return draw(st.one_of(
        st.fixed_dictionaries({"jobs": st.lists(job, max_size=4)},
                              optional={"seed": numbers(), "parallel": scalars(),
                                        "defaults": st.one_of(st.just({"count": 3}), json_values().filter(
                                            lambda d: not (isinstance(d, dict) and not _not_a_long_run(
                                                d.get("count")))))}),
        st.lists(job, max_size=3), json_values()))


# --- command lines ------------------------------------------------------------------------------------------

COMMANDS = (("generate", "structured"), ("generate", "timeseries"), ("generate", "events"), ("generate", "nope"),
            ("validate",), ("estimate", "structured"), ("config", "show"), ("cache", "path"), ("cache", "stats"),
            ("generators",), ("models",), ("doctor",), ("batch",), ("vectors",), ("nope",), ())
OPTIONS = ("-n", "--count", "-s", "--schema", "-o", "--output", "-f", "--format", "--seed", "--locale", "--interval",
           "--start", "--duration", "--series", "--rate", "-O", "--stream", "--report", "--mode", "--model",
           "--budget", "--strategy", "--fallback", "--timeout", "--max-calls", "--batch-size", "--concurrency",
           "--json", "--sources", "--dry-run", "--no-csv-protect", "-q", "-v", "-vv", "--config", "--help",
           "--version", "--cache-policy", "--prompt", "--examples", "--provider", "--stream-to", "--vectorize-with")
ARG_VALUES = ("1", "0", "-1", "3", "10", "1e3", "abc", "", "-", "out.jsonl", "out.csv", "out.parquet", "out.json",
              "out.xml", '{"id": "uuid"}', '{"id":', "{}", "[]", "null", "schema.json", "nope.json", "1s", "0s",
              "5m", "-5m", "10/sec", "0/sec", "2024-01-01T00:00:00Z", "not-a-time", "en_US", "xx", "engine", "llm",
              "cost", "$0.10", "0", "nan", "inf", KEY, "\x1b]0;pwned\x07", "\udc80", "a=b", "=", "jsonl:/dev/full",
              "/tmp", ".", "a" * 300)


@st.composite
def argv_lists(draw: st.DrawFn) -> list[str]:
    """A command and a few options with values, shuffled a little: what a hostile or careless user types."""
    out = list(draw(st.sampled_from(COMMANDS)))
    for _ in range(draw(st.integers(0, 6))):
        out.append(draw(st.sampled_from(OPTIONS)))
        if draw(st.integers(0, 4)):
            value = draw(st.one_of(st.sampled_from(ARG_VALUES), texts()))
            out.append(value.replace("\x00", ""))  # argv cannot hold a NUL
    if draw(st.integers(0, 4)) == 0:
        out = draw(st.permutations(out))
    return out
