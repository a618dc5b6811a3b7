"""Content-hash cache keys of model requests, the request scope they cover, and the cache policies."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from agentic_synth.domain.errors import UsageError

if TYPE_CHECKING:
    from agentic_synth.domain.ai.models import ModelRequest
    from agentic_synth.domain.schema.schema import Schema

# Bumped when the key material changes shape, so old entries can never answer new requests.
KEY_FORMAT = 1

# ModelRequest fields that may change a model's answer: every one is part of every key.
ANSWER_FIELDS = ("provider", "model", "system", "prompt", "json_schema", "json_output", "temperature",
                 "max_output_tokens", "seed", "kind", "purpose")
# ModelRequest fields that never enter a key: how the cache is used, not what is asked.
NON_KEY_FIELDS = ("cache_scope", "cache_policy", "hand_over_after")
# Under the aggressive policy these leave the key when the request carries a structured CacheScope:
# the rendered prompt (it may mention the total count) and the scope's total count.
AGGRESSIVE_DROPS = ("prompt", "system", "scope.count")


class CachePolicy(enum.Enum):
    """How a run uses the response cache.

    none: neither reads nor writes. default: reads and writes; entries expire after the TTL.
    aggressive: reads and writes; what it writes never expires, and a batch reply is reused across
    runs that differ only in the total --count (see AGGRESSIVE_DROPS).
    """

    NONE = "none"
    DEFAULT = "default"
    AGGRESSIVE = "aggressive"

    @classmethod
    def parse(cls, value: Any, where: str = "cache policy") -> CachePolicy:
        if isinstance(value, CachePolicy):
            return value
        if value is None:
            return cls.DEFAULT
        for policy in cls:
            if isinstance(value, str) and value.strip().lower() == policy.value:
                return policy
        choices = ", ".join(p.value for p in cls)
        raise UsageError(f"{where}: '{value}' is not one of {choices}")

    @property
    def reads(self) -> bool:
        return self is not CachePolicy.NONE

    @property
    def writes(self) -> bool:
        return self is not CachePolicy.NONE

    @property
    def honours_ttl(self) -> bool:
        return self is CachePolicy.DEFAULT


def _canonical(value: Any) -> Any:
    """JSON-ready form with one spelling per value: sorted keys, lists for tuples, 2.0 -> 2."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot key a non-finite number: {value!r}")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        items = [_canonical(v) for v in value]
        return sorted(items, key=canonical_json) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, CacheScope):
        return value.payload()
    raise TypeError(f"cannot key a value of type {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The canonical JSON text of a value: key order, tuple/list and 2.0/2 spellings do not matter.

    Render prompts from it too, so that the same request always yields the same prompt text.
    """
    return json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def digest(value: Any) -> str:
    """sha256 of the canonical JSON of a value, in hex."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _schema_text(value: Schema | Mapping[str, Any] | str | None) -> str:
    if value is None or isinstance(value, str):  # a str is canonical text already (attrs.evolve passes it back)
        return value or ""
    payload = value if isinstance(value, Mapping) else value.to_payload()
    return canonical_json(payload)


def _json_text(value: Any) -> str:
    if value is None or isinstance(value, str):  # a str is canonical text already (attrs.evolve passes it back)
        return value or ""
    return canonical_json(value)


@attrs.frozen
class CacheScope:
    """What a model call is part of: the user's request in canonical form and the batch's place in it.

    The generation layer (llm and hybrid modes) builds one per call and puts it on
    `ModelRequest.cache_scope`. Anything that shapes the prompt belongs here: the prompt
    template's version, the user's prompt text and examples, the schema, the generation options,
    the seed, the batch index and size, the total count and the retry attempt; `extra` takes what
    a mode adds of its own.
    """

    template_version: str
    schema: str = attrs.field(default=None, converter=_schema_text)
    prompt: str = ""
    examples: str = attrs.field(default=None, converter=_json_text)
    params: str = attrs.field(default=None, converter=_json_text)
    seed: int | None = None
    batch_index: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    batch_size: int | None = None
    count: int | None = None
    attempt: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    extra: str = attrs.field(default=None, converter=_json_text)

    def payload(self, *, drop_count: bool = False) -> dict[str, Any]:
        out = attrs.asdict(self)
        if drop_count:
            del out["count"]
        return out


def _material(request: ModelRequest, *, loose: bool) -> dict[str, Any]:
    material: dict[str, Any] = {"format": KEY_FORMAT, "policy": "loose" if loose else "exact"}
    for name in ANSWER_FIELDS:
        material[name] = getattr(request, name)
    scope = request.cache_scope
    if isinstance(scope, CacheScope):
        material["scope"] = scope.payload(drop_count=loose)
        if loose:
            for name in AGGRESSIVE_DROPS:
                material.pop(name, None)
    else:
        material["scope"] = scope
    return material


def exact_key(request: ModelRequest) -> str:
    """The key of a request: every field that could change the answer, canonicalised and hashed."""
    return digest(_material(request, loose=False))


def loose_key(request: ModelRequest) -> str | None:
    """The aggressive policy's key: the exact key without the rendered prompt and the total count.

    None when the request has no structured CacheScope (then there is nothing to loosen safely).
    """
    if not isinstance(request.cache_scope, CacheScope):
        return None
    return digest(_material(request, loose=True))
