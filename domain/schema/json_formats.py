"""JSON Schema and OpenAPI `format`s: the field type (or string format) that makes values of each."""

from __future__ import annotations

# Formats our semantic types already make (valid by RFC 3339, 5321, 1123, 3986, 4122...).
FORMAT_TYPES = {
    "date-time": "datetime", "date": "date", "time": "time", "email": "email", "hostname": "domain",
    "ipv4": "ipv4", "ipv6": "ipv6", "uri": "url", "url": "url", "uuid": "uuid",
}
# Formats the engine makes as strings of their own shape (adapters/engine/format_columns.py).
STRING_FORMATS = frozenset({
    "idn-email", "idn-hostname", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer",
    "relative-json-pointer", "regex", "duration", "byte", "binary", "password",
})
# Formats that only say how a number is stored: int32/int64 bound integers, the rest change nothing.
NUMERIC_FORMATS = frozenset({"int32", "int64", "float", "double", "int8", "int16", "uint8", "uint32", "uint64"})
KNOWN = frozenset(FORMAT_TYPES) | STRING_FORMATS | NUMERIC_FORMATS


def string_format(fmt: str) -> tuple[str, str | None]:
    """The field type and format for a string with this `format` (a plain string when it is unknown)."""
    if fmt in FORMAT_TYPES:
        return FORMAT_TYPES[fmt], ("rfc3339" if fmt == "time" else None)
    if fmt in STRING_FORMATS:
        return "string", fmt
    return "string", None
