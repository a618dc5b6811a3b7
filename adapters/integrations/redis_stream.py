"""RedisStreamPipeline: records to a Redis stream with XADD, pipelined in batches (the `redis` extra)."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import orjson

from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.integrations.stream_counters import StreamCounters
from agentic_synth.domain.integrations.stream_targets import StreamTarget

FIELD = "record"  # each stream entry holds one record as compact JSON in this field


class RedisStreamPipeline:
    """XADD each record (field `record`, JSON) to `target.name`; one round trip per `target.batch` records.

    A batch is sent and its replies awaited before the next is built, so a slow server slows the
    run instead of filling memory (backpressure). `target.maxlen` trims the stream approximately
    (`MAXLEN ~ N`). The connection is checked when the pipeline is built, before any output exists.
    """

    def __init__(self, target: StreamTarget, *, client: Any = None) -> None:
        self.target = target
        self.counters = StreamCounters(target.label)
        self._client = client if client is not None else _connect(target)

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"RedisStreamPipeline({self.target.label!r})"

    def send(self, chunk: RecordChunk) -> None:
        rows = chunk.rows()
        dumps, name, maxlen = orjson.dumps, self.target.name, self.target.maxlen
        for start in range(0, len(rows), self.target.batch):
            part = rows[start:start + self.target.batch]
            started = time.perf_counter()
            pipe = self._client.pipeline(transaction=False)
            size = 0
            for row in part:
                payload = dumps(row, option=orjson.OPT_NON_STR_KEYS)
                size += len(payload)
                pipe.xadd(name, {FIELD: payload}, maxlen=maxlen, approximate=True)
            try:
                pipe.execute()
            except Exception as exc:  # redis.RedisError and socket errors, translated here
                raise IntegrationError(f"{self.target.label}: {type(exc).__name__}: {exc}",
                                       integration="stream redis") from exc
            self.counters.add(len(part), size, time.perf_counter() - started)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a connection that already went away is not an error of the run
            self._client.close()


def _connect(target: StreamTarget) -> Any:
    try:
        import redis
    except ImportError:
        raise UsageError(f"--stream-to {target.label}: the redis package is not installed "
                         "(pip install 'agentic-synth[redis]')") from None
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # no silent retries: a resent XADD batch would add its entries twice
    client = redis.Redis(host=target.host, port=target.port, username=target.username, password=target.password,
                         ssl=target.scheme == "rediss", socket_connect_timeout=5, socket_timeout=30,
                         retry=Retry(NoBackoff(), 0))
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        raise IntegrationError(f"{target.label}: cannot connect: {exc}", integration="stream redis") from exc
    return client
