"""HttpStreamPipeline: records POSTed to an http(s) endpoint as JSON lines, in batches, with retries (httpx)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import orjson
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from agentic_synth.adapters.providers.errors import retry_after_from_headers
from agentic_synth.domain.errors import IntegrationError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.integrations.stream_counters import StreamCounters
from agentic_synth.domain.integrations.stream_targets import StreamTarget

CONTENT_TYPE = "application/x-ndjson"
ATTEMPTS = 5
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0


class _Retryable(Exception):
    """A batch the server did not take but may take later (a dropped connection, 429, 5xx)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HttpStreamPipeline:
    """POST each batch of `target.batch` records as JSON lines; the next batch waits for the reply (backpressure).

    A batch is retried up to 5 times on connection errors, timeouts, 408/425/429 and 5xx, with
    exponential backoff and jitter (a server's Retry-After wins, up to 30 s). Each batch carries an
    `Idempotency-Key` header (the run's id and the batch number), the same on every retry, so a
    server can drop a batch it already took. Any other status fails the run, naming it.
    """

    def __init__(self, target: StreamTarget, *, client: httpx.Client | None = None, wait_scale: float = 1.0) -> None:
        self.target = target
        self.counters = StreamCounters(target.label)
        self._client = client if client is not None else httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0))
        self._run_id = uuid.uuid4().hex
        self._wait_scale = wait_scale  # tests shrink the backoff

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"HttpStreamPipeline({self.target.label!r})"

    def send(self, chunk: RecordChunk) -> None:
        rows = chunk.rows()
        for start in range(0, len(rows), self.target.batch):
            part = rows[start:start + self.target.batch]
            body = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS) for r in part)
            started = time.perf_counter()
            self._post(body, f"{self._run_id}-{self.counters.batches}")
            self.counters.add(len(part), len(body), time.perf_counter() - started)

    def close(self) -> None:
        self._client.close()

    def _post(self, body: bytes, key: str) -> None:
        backoff = wait_exponential_jitter(multiplier=0.2 * self._wait_scale, max=5.0 * self._wait_scale)

        def wait(state: Any) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            after = getattr(error, "retry_after", None)
            return min(after, MAX_RETRY_AFTER) * self._wait_scale if after is not None else float(backoff(state))

        def count_retry(state: Any) -> None:
            self.counters.retries += 1

        retrying = Retrying(stop=stop_after_attempt(ATTEMPTS), wait=wait, reraise=True, before_sleep=count_retry,
                            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)))
        try:
            for attempt in retrying:
                with attempt:
                    self._attempt(body, key)
        except _Retryable as exc:
            raise IntegrationError(f"{self.target.label}: {exc} (after {ATTEMPTS} attempts)",
                                   integration="stream http") from exc

    def _attempt(self, body: bytes, key: str) -> None:
        headers = {"Content-Type": CONTENT_TYPE, "Idempotency-Key": key}
        try:
            response = self._client.post(self.target.url, content=body, headers=headers)
        except httpx.TransportError as exc:  # refused, reset, timed out: the batch may be retried
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(f"HTTP {response.status_code}", retry_after_from_headers(response.headers))
        if response.status_code >= 300:
            raise IntegrationError(f"{self.target.label}: HTTP {response.status_code}: {response.text[:200]}",
                                   integration="stream http")
