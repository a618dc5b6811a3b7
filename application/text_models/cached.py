"""CachedTextModel: a TextModel wrapper that answers repeated requests from the response cache at no cost."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from typing import Any

import attrs

from agentic_synth.application.replies import parse_object
from agentic_synth.domain.ai.models import Completion, ModelRequest, TextDelta
from agentic_synth.domain.cache.keys import CachePolicy, exact_key, loose_key
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.domain.ports import Clock, ResponseCache, TextModel

ENTRY_FORMAT = 1
# Replies that stopped for these reasons are incomplete or refused: asking again may do better.
UNCACHEABLE_FINISH = frozenset({"length", "max_tokens", "content_filter", "safety", "recitation", "error"})


@attrs.frozen
class CacheTally:
    """What the cache did for a wrapper: hits (each one a call saved), misses, writes, and what hits saved."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    tokens_in_saved: int = 0
    tokens_out_saved: int = 0
    usd_saved: float = 0.0

    @property
    def calls_saved(self) -> int:
        return self.hits

    def __sub__(self, other: CacheTally) -> CacheTally:
        return CacheTally(*(getattr(self, f.name) - getattr(other, f.name) for f in attrs.fields(CacheTally)))

    def add_to(self, meta: RunMetadata) -> None:
        """Count these figures into a run's metadata (take the difference of two tallies for one run)."""
        meta.cache_hits += self.hits
        meta.cache_misses += self.misses


def entry_of(completion: Completion, request: ModelRequest, created: float) -> dict[str, Any]:
    """What is stored for a reply: the text, who wrote it and its usage; never a key or a secret."""
    return {"format": ENTRY_FORMAT, "text": completion.text, "model": completion.model,
            "provider": completion.provider, "tokens_in": completion.tokens_in, "tokens_out": completion.tokens_out,
            "finish_reason": completion.finish_reason, "cost_usd": completion.cost_usd,
            "purpose": request.purpose, "kind": request.kind, "created": created}


def completion_of(entry: Any) -> Completion | None:
    """A stored entry as a free, cached Completion; None when the entry is not one we wrote."""
    if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
        return None
    text, model, provider = entry.get("text"), entry.get("model"), entry.get("provider")
    tokens_in, tokens_out, finish = entry.get("tokens_in"), entry.get("tokens_out"), entry.get("finish_reason")
    if not (isinstance(text, str) and isinstance(model, str) and isinstance(provider, str)
            and isinstance(tokens_in, int) and isinstance(tokens_out, int)
            and (finish is None or isinstance(finish, str))):
        return None
    return Completion(text=text, model=model, provider=provider, tokens_in=tokens_in, tokens_out=tokens_out,
                      latency_s=0.0, finish_reason=finish, cost_usd=0.0, cached=True)


USED_AS_THEY_ARE = frozenset({"records", "text"})  # purposes whose cut or empty replies a run used as they were
CUT = frozenset({"length", "max_tokens"})


def cacheable(completion: Completion, request: ModelRequest) -> bool:
    """Whole replies, and a plan reply only with its JSON object (a bad plan is asked again, not replayed).

    A records or text-columns reply cut at the output limit, or empty, is stored too: the run kept the complete
    records before the cut (or none), so a replay must get the very same reply to ask the same calls and write
    the same bytes, at no cost. Refused replies are never stored."""
    finish = (completion.finish_reason or "").lower()
    if request.purpose in USED_AS_THEY_ARE and (finish in CUT or not completion.text) \
            and finish not in UNCACHEABLE_FINISH - CUT:
        return True
    if not completion.text or finish in UNCACHEABLE_FINISH:
        return False
    return request.purpose != "plan" or parse_object(completion.text) is not None


class CachedTextModel:
    """Looks a request up by its content hash before calling the model it wraps, and stores the reply.

    A hit returns `Completion(cached=True, cost_usd=0.0)` with the stored text and token counts, so
    a ledger records it as a free call. The policy (the request's, else this wrapper's) decides:
    `none` neither reads nor writes; `default` reads the exact key and writes with the cache's TTL;
    `aggressive` also reads the loose key (no rendered prompt, no total count) and writes entries
    that never expire. Every policy but `none` writes both keys, so an aggressive run can reuse
    what a default run paid for. Refused replies, and plan replies that are cut, empty or without
    their JSON object, are not stored (`cacheable`).
    """

    def __init__(self, inner: TextModel, cache: ResponseCache, *, clock: Clock,
                 policy: CachePolicy = CachePolicy.DEFAULT) -> None:
        self.inner = inner
        self.cache = cache
        self.policy = policy
        self.provider = inner.provider
        self._clock = clock
        self._lock = threading.Lock()
        self._tally = CacheTally()

    def tally(self) -> CacheTally:
        with self._lock:
            return self._tally

    def complete(self, request: ModelRequest) -> Completion:
        policy = request.cache_policy or self.policy
        if not policy.reads:
            return self.inner.complete(request)
        hit = self._lookup(request, policy)
        if hit is not None:
            return hit
        completion = self.inner.complete(request)
        self._store(request, policy, completion)
        return completion

    def stream(self, request: ModelRequest) -> Iterator[TextDelta]:
        """A hit is replayed as one final delta marked `cached`; a miss is stored once it streamed whole."""
        policy = request.cache_policy or self.policy
        if not policy.reads:
            yield from self.inner.stream(request)
            return
        hit = self._lookup(request, policy)
        if hit is not None:
            yield TextDelta(hit.text, tokens_in=hit.tokens_in, tokens_out=hit.tokens_out, done=True, cached=True,
                            finish_reason=hit.finish_reason)
            return
        pieces: list[str] = []
        last: TextDelta | None = None
        for delta in self.inner.stream(request):
            pieces.append(delta.text)
            last = delta
            yield delta
        if last is not None:
            self._store(request, policy, Completion(
                text="".join(pieces), model=request.model or "", provider=request.provider or self.provider,
                tokens_in=last.tokens_in, tokens_out=last.tokens_out, finish_reason=last.finish_reason,
                cost_usd=None))

    def forget(self, request: ModelRequest) -> int:
        """Drop the stored reply of a request (for example one whose records failed validation)."""
        keys = [exact_key(request), loose_key(request)]
        return sum(self.cache.delete(key) for key in keys if key is not None)

    # --- internals --------------------------------------------------------------------------------

    def _lookup(self, request: ModelRequest, policy: CachePolicy) -> Completion | None:
        keys = [exact_key(request)]
        loose = loose_key(request) if policy is CachePolicy.AGGRESSIVE else None
        if loose is not None:
            keys.append(loose)
        for key in keys:
            entry = self.cache.get(key)
            if entry is None:
                continue
            completion = completion_of(entry)
            if completion is None:
                self.cache.delete(key)
                continue
            saved = entry.get("cost_usd")
            with self._lock:
                self._tally = attrs.evolve(
                    self._tally, hits=self._tally.hits + 1,
                    tokens_in_saved=self._tally.tokens_in_saved + completion.tokens_in,
                    tokens_out_saved=self._tally.tokens_out_saved + completion.tokens_out,
                    usd_saved=self._tally.usd_saved + (saved if isinstance(saved, int | float) else 0.0))
            return completion
        with self._lock:
            self._tally = attrs.evolve(self._tally, misses=self._tally.misses + 1)
        return None

    def _store(self, request: ModelRequest, policy: CachePolicy, completion: Completion) -> None:
        if not policy.writes or completion.cached or not cacheable(completion, request):
            return
        entry = entry_of(completion, request, self._clock.now())
        ttl = None if policy.honours_ttl else math.inf
        keys = [exact_key(request), loose_key(request)]
        for key in keys:
            if key is not None:
                self.cache.set(key, entry, ttl)
        with self._lock:
            self._tally = attrs.evolve(self._tally, writes=self._tally.writes + 1)
