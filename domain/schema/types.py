"""The field type vocabulary: canonical names, their aliases and their families."""

from __future__ import annotations

PRIMITIVE_TYPES = ("string", "integer", "number", "boolean", "datetime", "date", "time", "uuid",
                   "enum", "const", "object", "array")
SEMANTIC_TYPES = (
    "name", "first_name", "last_name", "email", "phone", "address", "street", "city", "country",
    "country_code", "postcode", "company", "job", "url", "domain", "ipv4", "ipv6", "username",
    "token", "iban", "currency", "amount", "latitude", "longitude", "color", "word", "sentence",
    "paragraph", "product_name",
)
FIELD_TYPES = frozenset(PRIMITIVE_TYPES + SEMANTIC_TYPES)

ALIASES = {
    "str": "string", "text": "paragraph", "int": "integer", "float": "number", "double": "number",
    "decimal": "number", "bool": "boolean", "timestamp": "datetime", "date_time": "datetime",
    "full_name": "name", "firstname": "first_name", "lastname": "last_name", "surname": "last_name",
    "phone_number": "phone", "street_address": "address", "zip": "postcode", "zipcode": "postcode",
    "zip_code": "postcode", "postal_code": "postcode", "company_name": "company", "job_title": "job",
    "uri": "url", "hostname": "domain", "ip": "ipv4", "ip_address": "ipv4", "user_name": "username",
    "password_hash": "token", "hash": "token", "api_token": "token", "currency_code": "currency",
    "price": "amount", "money": "amount", "lat": "latitude", "lon": "longitude", "lng": "longitude",
    "colour": "color", "hex_color": "color", "product": "product_name", "guid": "uuid",
    "categorical": "enum", "category": "enum", "object_": "object", "list": "array",
}

NUMERIC_TYPES = frozenset({"integer", "number", "amount", "latitude", "longitude"})
TEMPORAL_TYPES = frozenset({"datetime", "date", "time"})
# Types whose values are strings (min_length/max_length/pattern apply).
TEXTUAL_TYPES = frozenset({"string", "word", "sentence", "paragraph", "token", "username", "name",
                           "first_name", "last_name", "company", "job", "product_name", "address",
                           "street", "city", "country"})
STRING_VALUED_TYPES = FIELD_TYPES - NUMERIC_TYPES - {"boolean", "enum", "const", "object", "array"}

LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES")
DEFAULT_LOCALE = "en_US"
