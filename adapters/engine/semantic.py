"""Vectorised column makers for semantic types (people, places, companies, the web, money, text)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np

from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.columns import Ctx, number_column, round_into
from agentic_synth.domain.schema import Field

_HASH, _ZERO, _LETTER, _LEADING = ord("#"), ord("0"), ord("A"), ord("N")


@functools.lru_cache(maxsize=1 << 16)
def _ascii(text: str) -> str:
    """A name folded to lower-case ASCII letters and digits, for emails and usernames (memoised)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _fill(templates: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Replace '#' with a random digit, 'N' with a digit 2-9 and 'A' with a random letter (vectorised per chunk).

    Works on the UTF-8 bytes: '#', 'N' and 'A' are single bytes that never occur inside a multi-byte character.
    """
    raw = np.frombuffer("\x1f".join(templates.tolist()).encode(), dtype=np.uint8).copy()
    digits = raw == _HASH
    raw[digits] = _ZERO + rng.integers(0, 10, int(digits.sum()), dtype=np.uint8)
    leading = raw == _LEADING
    if leading.any():
        raw[leading] = _ZERO + rng.integers(2, 10, int(leading.sum()), dtype=np.uint8)
    letters = raw == _LETTER
    raw[letters] = _LETTER + rng.integers(0, 26, int(letters.sum()), dtype=np.uint8)
    return raw.tobytes().decode().split("\x1f")


def _loc(f: Field, ctx: Ctx) -> str:
    return f.locale or ctx.locale


def first_name_column(f: Field, ctx: Ctx) -> list[Any]:
    return vocab.first_names(_loc(f, ctx)).draw(ctx.rng, ctx.n).tolist()


def last_name_column(f: Field, ctx: Ctx) -> list[Any]:
    return vocab.last_names(_loc(f, ctx)).draw(ctx.rng, ctx.n).tolist()


def _names(f: Field, ctx: Ctx) -> tuple[list[str], list[str]]:
    """First and last names: the record's own when it has them, new ones otherwise."""
    first = ctx.sibling("first_name") or first_name_column(f, ctx)
    last = ctx.sibling("last_name") or last_name_column(f, ctx)
    full = ctx.sibling("name")
    if full is not None and ctx.sibling("first_name") is None:
        parts = [str(v).split(" ", 1) if v else ["", ""] for v in full]
        first = [p[0] for p in parts]
        last = [p[-1] for p in parts]
    return [v or "" for v in first], [v or "" for v in last]


def name_column(f: Field, ctx: Ctx) -> list[Any]:
    first = ctx.sibling("first_name") or first_name_column(f, ctx)
    last = ctx.sibling("last_name") or last_name_column(f, ctx)
    return [f"{a} {b}" if a and b else (a or b) for a, b in zip(first, last, strict=True)]


def email_column(f: Field, ctx: Ctx) -> list[Any]:
    first, last = _names(f, ctx)
    domains = _pick("email_domains.txt", ctx).tolist()
    style = ctx.rng.integers(0, 4, ctx.n).tolist()
    num = ctx.rng.integers(1, 100, ctx.n).tolist()
    out = []
    for a, b, s, k, d in zip(map(_ascii, first), map(_ascii, last), style, num, domains, strict=True):
        a, b = a or "user", b or "mail"
        if s == 0:
            out.append(f"{a}.{b}@{d}")
        elif s == 1:
            out.append(f"{a[0]}{b}@{d}")
        elif s == 2:
            out.append(f"{a}{b}{k}@{d}")
        else:
            out.append(f"{a}_{b}{k}@{d}")
    return out


def username_column(f: Field, ctx: Ctx) -> list[Any]:
    first, last = _names(f, ctx)
    num = ctx.rng.integers(1, 1000, ctx.n).tolist()
    return [f"{_ascii(a)[:1]}{_ascii(b)}{k}" for a, b, k in zip(first, last, num, strict=True)]


def phone_column(f: Field, ctx: Ctx) -> list[Any]:
    formats = vocab.words("phone_formats.txt", _loc(f, ctx))
    return _fill(formats[ctx.rng.integers(0, len(formats), ctx.n)], ctx.rng)


def _city_index(f: Field, ctx: Ctx) -> np.ndarray:
    key = ("__city_index__", _loc(f, ctx))
    cached = ctx.siblings.get(str(key))
    if cached is not None:
        return np.asarray(cached[1])
    idx = ctx.rng.integers(0, len(vocab.cities(_loc(f, ctx)).names), ctx.n)
    ctx.siblings[str(key)] = (Field(name=str(key), type="__internal__"), idx.tolist())
    return idx


def city_column(f: Field, ctx: Ctx) -> list[Any]:
    return vocab.cities(_loc(f, ctx)).names[_city_index(f, ctx)].tolist()


def postcode_column(f: Field, ctx: Ctx) -> list[Any]:
    return _fill(vocab.cities(_loc(f, ctx)).postcodes[_city_index(f, ctx)], ctx.rng)


def street_column(f: Field, ctx: Ctx) -> list[Any]:
    loc = _loc(f, ctx)
    streets, suffixes = vocab.words("streets.txt", loc), vocab.words("street_suffixes.txt", loc)
    template = vocab.street_format(loc)
    names = streets[ctx.rng.integers(0, len(streets), ctx.n)].tolist()
    sufs = suffixes[ctx.rng.integers(0, len(suffixes), ctx.n)].tolist()
    nums = ctx.rng.integers(1, 2000, ctx.n).tolist()
    return [template.format(number=k, street=s, suffix=x).strip() for k, s, x in zip(nums, names, sufs, strict=True)]


def address_column(f: Field, ctx: Ctx) -> list[Any]:
    cities = vocab.cities(_loc(f, ctx))
    idx = _city_index(f, ctx)
    streets = street_column(f, ctx)
    posts = ctx.sibling("postcode") or _fill(cities.postcodes[idx], ctx.rng)
    names, regions = cities.names[idx].tolist(), cities.regions[idx].tolist()
    if _loc(f, ctx) == "en_US":
        return [f"{s}, {c}, {r} {p}" for s, c, r, p in zip(streets, names, regions, posts, strict=True)]
    return [f"{s}, {p} {c}" for s, c, p in zip(streets, names, posts, strict=True)]


def _countries() -> list[list[str]]:
    return vocab.table("countries.tsv")


def country_column(f: Field, ctx: Ctx, column: int = 0) -> list[Any]:
    rows = _countries()
    if ctx.sibling("city", "address", "postcode") is not None:
        code = vocab.locale_country(_loc(f, ctx))
        row = next((r for r in rows if r[1] == code), rows[0])
        return [row[column]] * ctx.n
    idx = ctx.rng.integers(0, len(rows), ctx.n)
    values = np.array([r[column] for r in rows], dtype=object)
    return values[idx].tolist()


def country_code_column(f: Field, ctx: Ctx) -> list[Any]:
    return country_column(f, ctx, column=1)


def currency_column(f: Field, ctx: Ctx) -> list[Any]:
    countries = ctx.sibling("country")
    by_name = {r[0]: r[3] for r in _countries()}
    rows = vocab.table("currencies.tsv")
    codes = np.array([r[0] for r in rows], dtype=object)[ctx.rng.integers(0, len(rows), ctx.n)].tolist()
    if countries is not None:
        return [by_name.get(c, k) if c else k for c, k in zip(countries, codes, strict=True)]
    return codes


def amount_column(f: Field, ctx: Ctx) -> list[Any]:
    if f.distribution is None and f.min is None and f.max is None:
        precision = 2 if f.precision is None else f.precision
        return round_into(ctx.rng.lognormal(3.5, 1.0, ctx.n), precision, 0.01, 100000.0).tolist()
    return number_column(f, ctx, default_precision=2)


def _near_city(f: Field, ctx: Ctx, coords: np.ndarray, lo: float, hi: float) -> list[Any] | None:
    if ctx.sibling("city", "address") is None:
        return None
    jitter = ctx.rng.normal(0, 0.05, ctx.n)
    return round_into(coords[_city_index(f, ctx)] + jitter, _coord_precision(f), lo, hi).tolist()


def _coord_precision(f: Field) -> int:
    return 6 if f.precision is None else f.precision


def latitude_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = (f.min if f.min is not None else -90.0), (f.max if f.max is not None else 90.0)
    near = _near_city(f, ctx, vocab.cities(_loc(f, ctx)).lat, lo, hi)
    if near is not None:
        return near
    s_lo, s_hi = np.sin(np.radians(lo)), np.sin(np.radians(hi))  # uniform on the sphere's surface
    return round_into(np.degrees(np.arcsin(ctx.rng.uniform(s_lo, s_hi, ctx.n))), _coord_precision(f), lo, hi).tolist()


def longitude_column(f: Field, ctx: Ctx) -> list[Any]:
    lo, hi = (f.min if f.min is not None else -180.0), (f.max if f.max is not None else 180.0)
    near = _near_city(f, ctx, vocab.cities(_loc(f, ctx)).lon, lo, hi)
    if near is not None:
        return near
    return round_into(ctx.rng.uniform(lo, hi, ctx.n), _coord_precision(f), lo, hi).tolist()


def _pick(name: str, ctx: Ctx) -> np.ndarray:
    values = vocab.words(name)
    return values[ctx.rng.integers(0, len(values), ctx.n)]


def company_column(f: Field, ctx: Ctx) -> list[Any]:
    suffixes = vocab.words("company_suffixes.txt", _loc(f, ctx))
    a, b = _pick("company_words.txt", ctx).tolist(), _pick("company_words.txt", ctx).tolist()
    last = vocab.last_names(_loc(f, ctx)).draw(ctx.rng, ctx.n).tolist()
    suf = suffixes[ctx.rng.integers(0, len(suffixes), ctx.n)].tolist()
    style = ctx.rng.integers(0, 3, ctx.n).tolist()
    return [f"{x} {y} {s}" if k == 0 else f"{ln} {x} {s}" if k == 1 else f"{ln} & {y}"
            for x, y, ln, s, k in zip(a, b, last, suf, style, strict=True)]


def job_column(f: Field, ctx: Ctx) -> list[Any]:
    return _pick("jobs.txt", ctx).tolist()


def product_name_column(f: Field, ctx: Ctx) -> list[Any]:
    adj, mat, noun = (_pick(n, ctx).tolist() for n in ("product_adjectives.txt", "product_materials.txt",
                                                         "product_nouns.txt"))
    return [f"{a} {m} {n}" for a, m, n in zip(adj, mat, noun, strict=True)]


def domain_column(f: Field, ctx: Ctx) -> list[Any]:
    a, b = _pick("company_words.txt", ctx).tolist(), _pick("words.txt", ctx).tolist()
    tld = _pick("tlds.txt", ctx).tolist()
    return [f"{_ascii(x)}{_ascii(y)}.{t}" for x, y, t in zip(a, b, tld, strict=True)]


def url_column(f: Field, ctx: Ctx) -> list[Any]:
    domains = ctx.sibling("domain") or domain_column(f, ctx)
    paths = _pick("url_paths.txt", ctx).tolist()
    return [f"https://www.{d}/{p}" for d, p in zip(domains, paths, strict=True)]


def ipv4_column(f: Field, ctx: Ctx) -> list[Any]:
    o = ctx.rng.integers(1, 255, size=(ctx.n, 4))
    o[:, 0] = o[:, 0] % 223 + 1  # public unicast: 1-223, no multicast (224-239) or reserved (240-255)
    o[:, 0] = np.where(np.isin(o[:, 0], (10, 100, 127, 169, 172, 192, 198)), o[:, 0] + 1, o[:, 0])
    return [f"{a}.{b}.{c}.{d}" for a, b, c, d in o.tolist()]


def ipv6_column(f: Field, ctx: Ctx) -> list[Any]:
    g = ctx.rng.integers(0, 65536, size=(ctx.n, 8))
    g[:, 0] = 0x2001
    return [":".join(f"{x:x}" for x in row) for row in g.tolist()]


def token_column(f: Field, ctx: Ctx) -> list[Any]:
    length = int(f.option("length", f.max_length or 64))
    raw = ctx.rng.integers(0, 256, size=(ctx.n, (length + 1) // 2), dtype=np.uint8).tobytes().hex()
    step = ((length + 1) // 2) * 2
    return [raw[i:i + length] for i in range(0, len(raw), step)]


def iban_column(f: Field, ctx: Ctx) -> list[Any]:
    rows = vocab.table("iban_formats.tsv")
    formats = {r[0]: r[2] for r in rows}
    wanted = ctx.sibling("country_code")
    codes = np.array([r[0] for r in rows], dtype=object)[ctx.rng.integers(0, len(rows), ctx.n)].tolist()
    if wanted is not None:
        codes = [w if w in formats else c for w, c in zip(wanted, codes, strict=True)]
    bbans = _fill(np.array([formats[c] for c in codes], dtype=object), ctx.rng)
    out = []
    for code, bban in zip(codes, bbans, strict=True):
        digits = "".join(str(int(ch, 36)) for ch in bban + code + "00")
        out.append(f"{code}{98 - int(digits) % 97:02d}{bban}")
    return out


def color_column(f: Field, ctx: Ctx) -> list[Any]:
    if f.format == "name":
        rows = vocab.table("color_names.tsv")
        return np.array([r[0] for r in rows], dtype=object)[ctx.rng.integers(0, len(rows), ctx.n)].tolist()
    return [f"#{v:06x}" for v in ctx.rng.integers(0, 1 << 24, ctx.n).tolist()]


def word_column(f: Field, ctx: Ctx) -> list[Any]:
    return _pick("words.txt", ctx).tolist()


def _sentences(ctx: Ctx, count: int, lo: int = 6, hi: int = 15) -> list[str]:
    words = vocab.words("words.txt")
    lengths = ctx.rng.integers(lo, hi, count)
    flat = words[ctx.rng.integers(0, len(words), int(lengths.sum()))].tolist()
    out, pos = [], 0
    for k in lengths.tolist():
        chunk = flat[pos:pos + k]
        pos += k
        out.append(" ".join(chunk).capitalize() + ".")
    return out


def sentence_column(f: Field, ctx: Ctx) -> list[Any]:
    return _sentences(ctx, ctx.n)


def paragraph_column(f: Field, ctx: Ctx) -> list[Any]:
    counts = ctx.rng.integers(3, 7, ctx.n).tolist()
    flat = _sentences(ctx, sum(counts))
    out, pos = [], 0
    for k in counts:
        out.append(" ".join(flat[pos:pos + k]))
        pos += k
    return out


def string_column(f: Field, ctx: Ctx) -> list[Any]:
    words = vocab.words("words.txt")
    k = ctx.rng.integers(1, 4, ctx.n).tolist()
    flat = words[ctx.rng.integers(0, len(words), sum(k))].tolist()
    out, pos = [], 0
    for m in k:
        out.append(" ".join(flat[pos:pos + m]))
        pos += m
    return out


SEMANTIC_MAKERS: dict[str, Callable[[Field, Ctx], list[Any]]] = {
    "string": string_column, "first_name": first_name_column, "last_name": last_name_column,
    "name": name_column, "email": email_column, "username": username_column, "phone": phone_column,
    "city": city_column, "postcode": postcode_column, "street": street_column, "address": address_column,
    "country": country_column, "country_code": country_code_column, "currency": currency_column,
    "amount": amount_column, "latitude": latitude_column, "longitude": longitude_column,
    "company": company_column, "job": job_column, "product_name": product_name_column,
    "domain": domain_column, "url": url_column, "ipv4": ipv4_column, "ipv6": ipv6_column,
    "token": token_column, "iban": iban_column, "color": color_column, "word": word_column,
    "sentence": sentence_column, "paragraph": paragraph_column,
}
