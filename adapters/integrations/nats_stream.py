"""NatsStreamPipeline: records to a NATS JetStream subject, published with acks (the `nats` extra)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import orjson

from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.integrations.stream_counters import StreamCounters
from agentic_synth.domain.integrations.stream_targets import StreamTarget

T = TypeVar("T")
MAX_PENDING = 2000  # acks outstanding at once: past this, publishing waits (backpressure)
TIMEOUT = 30.0


class NatsStreamPipeline:
    """Publish each record (compact JSON) to `target.name` through JetStream and wait for every ack.

    nats-py is asyncio: the pipeline runs its own event loop in a daemon thread and `send` blocks
    until the chunk's acks are in, at most MAX_PENDING outstanding, so the run goes at the
    server's pace. A subject no stream captures gets one: `target.stream`, else `SYNTH_<subject>`
    (`created` names it, for the run's notes).
    """

    def __init__(self, target: StreamTarget) -> None:
        try:
            import nats
        except ImportError:
            raise UsageError(f"--stream-to {target.label}: the nats-py package is not installed "
                             "(pip install 'agentic-synth[nats]')") from None
        self.target = target
        self.counters = StreamCounters(target.label)
        self.created: str | None = None
        self._nats = nats
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="agentic-synth-nats", daemon=True)
        self._thread.start()
        try:
            self._nc, self._js, self.stream = self._run(self._open())
        except BaseException:
            self._stop_loop()
            raise

    def is_available(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"NatsStreamPipeline({self.target.label!r})"

    def send(self, chunk: RecordChunk) -> None:
        rows = chunk.rows()
        for start in range(0, len(rows), self.target.batch):
            part = rows[start:start + self.target.batch]
            payloads = [orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS) for row in part]
            started = time.perf_counter()
            self._run(self._publish(payloads))
            self.counters.add(len(payloads), sum(map(len, payloads)), time.perf_counter() - started)

    def close(self) -> None:
        if not self._loop.is_closed():
            try:
                self._run(self._nc.drain())
            except IntegrationError:
                pass
            finally:
                self._stop_loop()

    # --- on the loop ---------------------------------------------------------------------------

    async def _open(self) -> tuple[Any, Any, str]:
        target = self.target
        errors: list[BaseException] = []

        async def keep(error: Exception) -> None:  # nats-py logs each failed attempt with its traceback otherwise
            errors.append(error)

        try:  # one attempt: max_reconnect_attempts=0 would mean "forever" to nats-py
            nc = await self._nats.connect(f"nats://{target.host}:{target.port}", user=target.username,
                                          password=target.password, connect_timeout=5, allow_reconnect=False,
                                          max_reconnect_attempts=1, reconnect_time_wait=0.1, error_cb=keep)
        except Exception as exc:
            cause = errors[-1] if errors else exc
            raise IntegrationError(f"{target.label}: cannot connect: {type(cause).__name__}: {cause}",
                                   integration="stream nats") from exc
        js = nc.jetstream(timeout=TIMEOUT, publish_async_max_pending=MAX_PENDING)
        try:
            stream = await self._stream_for(js)
        except BaseException:
            await nc.close()
            raise
        return nc, js, stream

    async def _stream_for(self, js: Any) -> str:
        from nats.js.errors import NotFoundError

        subject = self.target.name
        try:
            found: str = await js.find_stream_name_by_subject(subject)
        except NotFoundError:
            name = self.target.stream or "SYNTH_" + re.sub(r"[^A-Za-z0-9_-]", "_", subject)[:58]
            try:
                await js.add_stream(name=name, subjects=[subject])
            except Exception as exc:
                raise IntegrationError(f"{self.target.label}: cannot create JetStream stream '{name}': {exc}",
                                       integration="stream nats") from exc
            self.created = name
            return name
        except Exception as exc:  # JetStream not enabled on the server, no permission, ...
            raise IntegrationError(f"{self.target.label}: JetStream is not available: {type(exc).__name__}: {exc}",
                                   integration="stream nats") from exc
        if self.target.stream is not None and found != self.target.stream:
            raise UsageError(f"--stream-to {self.target.label}: subject '{subject}' belongs to JetStream stream "
                             f"'{found}', not '{self.target.stream}'")
        return found

    async def _publish(self, payloads: list[bytes]) -> None:
        futures = [await self._js.publish_async(self.target.name, p)
                   for p in payloads]
        for future in futures:
            await future  # a PubAck, or the server's error (the stream is full, the subject changed, ...)

    # --- plumbing ------------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout=TIMEOUT * 4)
        except (IntegrationError, UsageError):
            raise
        except Exception as exc:  # nats errors, timeouts, a connection that went away
            future.cancel()
            raise IntegrationError(f"{self.target.label}: {type(exc).__name__}: {exc}",
                                   integration="stream nats") from exc

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()
