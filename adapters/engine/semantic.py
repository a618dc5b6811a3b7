"""Vectorised column makers for semantic types: people, companies, the web, money; the table of all semantic makers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from agentic_synth.adapters.columns.text import Piece, concat, decimal, literal, picked
from agentic_synth.adapters.columns.vectors import Picks, Texts, as_list, vocabulary
from agentic_synth.adapters.engine import vocab
from agentic_synth.adapters.engine.columns import number_column, round_into
from agentic_synth.adapters.engine.context import Ctx
from agentic_synth.adapters.engine.draws import ascii_fold, fill_template, filled_texts, locale_of, pick
from agentic_synth.adapters.engine.places import (
    address_column,
    city_column,
    countries,
    country_code_column,
    country_column,
    latitude_column,
    longitude_column,
    postcode_column,
    street_column,
)
from agentic_synth.adapters.engine.text_columns import (
    paragraph_column,
    sentence_column,
    string_column,
    word_column,
)
from agentic_synth.domain.schema.schema import Field


def _pick_names(names: vocab.Weighted, ctx: Ctx) -> Picks:
    return Picks(names.codes(ctx.rng, ctx.n), vocabulary(names.values))


def first_name_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    return _pick_names(vocab.first_names(locale_of(f, ctx)), ctx)


def last_name_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    return _pick_names(vocab.last_names(locale_of(f, ctx)), ctx)


def _names(f: Field, ctx: Ctx) -> tuple[Sequence[Any], Sequence[Any]]:
    """First and last names (None or "" where a record has none): the record's own, new ones otherwise."""
    first = ctx.sibling("first_name") or first_name_column(f, ctx)
    last = ctx.sibling("last_name") or last_name_column(f, ctx)
    full = ctx.sibling("name")
    if full is not None and ctx.sibling("first_name") is None:
        parts = [str(v).split(" ", 1) if v else ["", ""] for v in full]
        first = [p[0] for p in parts]
        last = [p[-1] for p in parts]
    return first, last


def _folded(names: Sequence[Any], default: str) -> Piece:
    """A piece of each name folded to lower-case ASCII (`default` when nothing is left), for emails."""
    if isinstance(names, Picks) and names.null is None:
        key = ("ascii_fold", default)
        folded = names.vocabulary.derived.get(key)
        if folded is None:
            folded = names.vocabulary.derived[key] = vocabulary(
                np.array([ascii_fold(v or "") or default for v in names.vocabulary.values.tolist()], dtype=object))
        data, offsets = folded.texts()
        return picked(data, offsets, names.codes)
    texts = Texts.from_strings([ascii_fold(v or "") or default for v in as_list(names)])
    return texts.data, texts.offsets[:-1], np.diff(texts.offsets)


def name_column(f: Field, ctx: Ctx) -> list[Any]:
    first = ctx.sibling("first_name") or first_name_column(f, ctx)
    last = ctx.sibling("last_name") or last_name_column(f, ctx)
    first, last = as_list(first), as_list(last)
    return [f"{a} {b}" if a and b else (a or b) for a, b in zip(first, last, strict=True)]


def email_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    """`a.b@d`, `ab@d` (a's initial), `abK@d` or `a_bK@d`: a, b the folded names, K a number 1-99."""
    first, last = _names(f, ctx)
    domains = vocab.words("email_domains.txt")
    codes = ctx.rng.integers(0, len(domains), ctx.n)
    style = ctx.rng.integers(0, 4, ctx.n)
    num = ctx.rng.integers(1, 100, ctx.n)
    a, b = _folded(first, "user"), _folded(last, "mail")
    initial = style == 1
    numbered = style >= 2
    digits, starts, lengths = decimal(num)
    data, offsets = concat([
        (a[0], a[1], np.where(initial, 1, a[2])),
        (np.frombuffer(b"._", dtype=np.uint8), (style == 3).astype(np.int64), ((style == 0) | (style == 3)) * 1),
        b, (digits, starts, lengths * numbered), literal(b"@", np.ones(ctx.n, dtype=bool)),
        picked(*vocabulary(domains).texts(), codes)], ctx.n)
    return Texts(data, offsets)


def username_column(f: Field, ctx: Ctx) -> list[Any]:
    first, last = _names(f, ctx)
    num = ctx.rng.integers(1, 1000, ctx.n).tolist()
    return [f"{ascii_fold(a or '')[:1]}{ascii_fold(b or '')}{k}" for a, b, k in zip(first, last, num, strict=True)]


def phone_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    formats = vocab.words("phone_formats.txt", locale_of(f, ctx))
    return filled_texts(formats[ctx.rng.integers(0, len(formats), ctx.n)], ctx.rng)


def currency_column(f: Field, ctx: Ctx) -> list[Any]:
    named = ctx.sibling("country")
    by_name = {r[0]: r[3] for r in countries()}
    rows = vocab.table("currencies.tsv")
    codes = np.array([r[0] for r in rows], dtype=object)[ctx.rng.integers(0, len(rows), ctx.n)].tolist()
    if named is not None:
        return [by_name.get(c, k) if c else k for c, k in zip(named, codes, strict=True)]
    return codes


def amount_column(f: Field, ctx: Ctx) -> Sequence[Any]:
    if f.distribution is None and f.min is None and f.max is None:
        precision = 2 if f.precision is None else f.precision
        return round_into(ctx.rng.lognormal(3.5, 1.0, ctx.n), precision, 0.01, 100000.0).tolist()
    return number_column(f, ctx, default_precision=2)


def company_column(f: Field, ctx: Ctx) -> list[Any]:
    suffixes = vocab.words("company_suffixes.txt", locale_of(f, ctx))
    a, b = pick("company_words.txt", ctx).tolist(), pick("company_words.txt", ctx).tolist()
    last = vocab.last_names(locale_of(f, ctx)).draw(ctx.rng, ctx.n).tolist()
    suf = suffixes[ctx.rng.integers(0, len(suffixes), ctx.n)].tolist()
    style = ctx.rng.integers(0, 3, ctx.n).tolist()
    return [f"{x} {y} {s}" if k == 0 else f"{ln} {x} {s}" if k == 1 else f"{ln} & {y}"
            for x, y, ln, s, k in zip(a, b, last, suf, style, strict=True)]


def job_column(f: Field, ctx: Ctx) -> list[Any]:
    return pick("jobs.txt", ctx).tolist()


def product_name_column(f: Field, ctx: Ctx) -> list[Any]:
    adj, mat, noun = (pick(n, ctx).tolist() for n in ("product_adjectives.txt", "product_materials.txt",
                                                         "product_nouns.txt"))
    return [f"{a} {m} {n}" for a, m, n in zip(adj, mat, noun, strict=True)]


def domain_column(f: Field, ctx: Ctx) -> list[Any]:
    a, b = pick("company_words.txt", ctx).tolist(), pick("words.txt", ctx).tolist()
    tld = pick("tlds.txt", ctx).tolist()
    return [f"{ascii_fold(x)}{ascii_fold(y)}.{t}" for x, y, t in zip(a, b, tld, strict=True)]


def url_column(f: Field, ctx: Ctx) -> list[Any]:
    domains = ctx.sibling("domain") or domain_column(f, ctx)
    paths = pick("url_paths.txt", ctx).tolist()
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
    return iban_text(*iban_parts(ctx, vocab.table("iban_formats.tsv")))


def iban_parts(ctx: Ctx, rows: list[list[str]]) -> tuple[list[str], list[str]]:
    """Country codes (the record's own country_code when it has an IBAN format) and filled-in BBANs."""
    formats = {r[0]: r[2] for r in rows}
    wanted = ctx.sibling("country_code")
    codes = np.array([r[0] for r in rows], dtype=object)[ctx.rng.integers(0, len(rows), ctx.n)].tolist()
    if wanted is not None:
        codes = [w if w in formats else c for w, c in zip(wanted, codes, strict=True)]
    return codes, fill_template(np.array([formats[c] for c in codes], dtype=object), ctx.rng)


def iban_text(codes: list[str], bbans: list[str]) -> list[Any]:
    """IBANs from country codes and BBANs, with their ISO 7064 check digits."""
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


SEMANTIC_MAKERS: dict[str, Callable[[Field, Ctx], Sequence[Any]]] = {
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
