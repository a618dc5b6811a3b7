"""Column makers for the JSON Schema / OpenAPI string formats our semantic types do not cover.

Each makes values its RFC calls valid (checked in the tests by jsonschema's format checker):
uri-reference and iri-reference (RFC 3986/3987), uri-template (RFC 6570), json-pointer (RFC 6901),
relative-json-pointer, regex (ECMA 262, the common subset), duration (ISO 8601 / RFC 3339 appendix A),
byte (base64), binary, password, idn-email and idn-hostname (RFC 6531, 5890).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.vectors import as_list
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.draws import ascii_fold, pick
from agentic_synth.adapters.engine.semantic import domain_column, email_column, url_column
from agentic_synth.domain.schema.schema import Field

_REGEXES = np.array(["^[a-z]+$", "^[A-Z]{2}[0-9]{4}$", "\\d{3}-\\d{4}", "^(foo|bar)\\.json$", "[a-f0-9]{8}",
                     "^v[0-9]+\\.[0-9]+$", "^\\w+@\\w+\\.com$", "^[^/]+$"], dtype=object)


def _words(ctx: Ctx, n: int | None = None) -> list[str]:
    return [ascii_fold(w) or "item" for w in pick("words.txt", ctx if n is None else _sized(ctx, n)).tolist()]


def _sized(ctx: Ctx, n: int) -> Ctx:
    return Ctx(rng=ctx.rng, n=n, offset=ctx.offset, locale=ctx.locale, siblings={}, seed=ctx.seed)


def uri_reference_column(f: Field, ctx: Ctx) -> list[Any]:
    a, b = _words(ctx), _words(ctx)
    urls = url_column(f, ctx)
    style = ctx.rng.integers(0, 5, ctx.n).tolist()
    forms = (lambda u, x, y: f"/{x}/{y}", lambda u, x, y: f"{x}/{y}.json", lambda u, x, y: f"../{x}?q={y}",
             lambda u, x, y: f"#{x}", lambda u, x, y: u)
    return [forms[s](u, x, y) for s, u, x, y in zip(style, urls, a, b, strict=True)]


def uri_template_column(f: Field, ctx: Ctx) -> list[Any]:
    a, b = _words(ctx), _words(ctx)
    return [f"https://api.example.com/{x}/{{{y}}}{{?page,limit}}" for x, y in zip(a, b, strict=True)]


def json_pointer_column(f: Field, ctx: Ctx) -> list[Any]:
    depth = ctx.rng.integers(0, 4, ctx.n).tolist()
    flat = iter(_words(ctx, sum(depth) or 1))
    return ["".join(f"/{next(flat)}" for _ in range(k)) for k in depth]


def relative_json_pointer_column(f: Field, ctx: Ctx) -> list[Any]:
    ups = ctx.rng.integers(0, 4, ctx.n).tolist()
    tails = json_pointer_column(f, ctx)
    hash_ = ctx.rng.random(ctx.n) < 0.2
    return [f"{u}#" if h else f"{u}{t}" for u, t, h in zip(ups, tails, hash_.tolist(), strict=True)]


def regex_column(f: Field, ctx: Ctx) -> list[Any]:
    return _REGEXES[ctx.rng.integers(0, len(_REGEXES), ctx.n)].tolist()


def duration_column(f: Field, ctx: Ctx) -> list[Any]:
    amounts = ctx.rng.integers(1, 60, (ctx.n, 3)).tolist()
    style = ctx.rng.integers(0, 4, ctx.n).tolist()
    out = []
    for (a, b, c), s in zip(amounts, style, strict=True):
        if s == 0:
            out.append(f"P{a % 28 + 1}D")
        elif s == 1:
            out.append(f"PT{a % 24}H{b}M")
        elif s == 2:
            out.append(f"P{a % 5 + 1}Y{b % 12 + 1}M{c % 28 + 1}DT{a % 24}H")
        else:
            out.append(f"P{a % 52 + 1}W")
    return out


def byte_column(f: Field, ctx: Ctx) -> list[Any]:
    sizes = ctx.rng.integers(3, 24, ctx.n).tolist()
    raw = ctx.rng.integers(0, 256, sum(sizes), dtype=np.uint8).tobytes()
    out, pos = [], 0
    for k in sizes:
        out.append(base64.b64encode(raw[pos:pos + k]).decode())
        pos += k
    return out


def binary_column(f: Field, ctx: Ctx) -> list[Any]:
    return [v.hex() for v in (ctx.rng.integers(0, 256, 12, dtype=np.uint8).tobytes() for _ in range(ctx.n))]


def password_column(f: Field, ctx: Ctx) -> list[Any]:
    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%&*+-?@"))
    codes = alphabet[ctx.rng.integers(0, len(alphabet), (ctx.n, 14))]
    return ["".join(row) for row in codes.tolist()]


def idn_email_column(f: Field, ctx: Ctx) -> list[Any]:
    return as_list(email_column(f, ctx))


def idn_hostname_column(f: Field, ctx: Ctx) -> list[Any]:
    return domain_column(f, ctx)


def iri_column(f: Field, ctx: Ctx) -> list[Any]:
    return url_column(f, ctx)


FORMAT_MAKERS: dict[str, Callable[[Field, Ctx], list[Any]]] = {
    "uri-reference": uri_reference_column, "iri-reference": uri_reference_column, "iri": iri_column,
    "uri-template": uri_template_column, "json-pointer": json_pointer_column,
    "relative-json-pointer": relative_json_pointer_column, "regex": regex_column, "duration": duration_column,
    "byte": byte_column, "binary": binary_column, "password": password_column, "idn-email": idn_email_column,
    "idn-hostname": idn_hostname_column,
}
