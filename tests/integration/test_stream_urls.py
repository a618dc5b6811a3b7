"""`--stream-to redis://, nats://, http://`: real Redis and NATS servers and a local HTTP server get every record."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from tests.servers.base import FakeServer, Reply

EVENTS = '{"type": {"enum": ["view", "click"]}, "user": "uuid", "n": "integer"}'
USERS = '{"name": "name", "email": "email", "age": {"type": "integer", "min": 18, "max": 90}}'


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _xrange(url: str, key: str) -> list:
    import redis

    with redis.Redis.from_url(url) as client:
        return client.xrange(key)


def _stream_records(url: str, key: str) -> list[dict]:
    return [orjson.loads(fields[b"record"]) for _, fields in _xrange(url, key)]


def test_every_record_reaches_a_redis_stream_in_output_order_with_counters_in_the_report(run_cli, redis_url, tmp_path):
    out, report = tmp_path / "users.jsonl", tmp_path / "report.json"
    key = f"users-{time.monotonic_ns()}"
    code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "12345", "--seed", "3", "-o", str(out),
                           "--report", str(report), "--stream-to", f"{redis_url}/{key}?batch=1000")
    assert code == 0, err
    assert _stream_records(redis_url, key) == _lines(out)
    stream = json.loads(report.read_text())["integrations"]["stream"]
    assert stream["target"] == f"{redis_url}/{key}" and stream["records"] == 12345
    assert 13 <= stream["batches"] <= 26 and stream["bytes"] > 12345 * 40  # <= 1000 records per round trip
    assert f"streamed 12345 records to {redis_url}/{key}" in err


def test_maxlen_trims_a_redis_stream_to_about_its_length_keeping_the_newest(run_cli, redis_url, tmp_path):
    out, key = tmp_path / "u.jsonl", f"capped-{time.monotonic_ns()}"
    code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "5000", "-o", str(out),
                           "--stream-to", f"{redis_url}/{key}?maxlen=1000")
    assert code == 0, err
    kept = _stream_records(redis_url, key)
    assert 1000 <= len(kept) <= 1100  # MAXLEN ~: trimmed by whole nodes (100 entries each by default)
    assert kept == _lines(out)[-len(kept):]


def _epoch_ms(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000


def test_realtime_events_reach_redis_at_the_asked_rate(run_cli, redis_url, tmp_path):
    out, key = tmp_path / "e.jsonl", f"live-{time.monotonic_ns()}"
    before_ms = time.time_ns() // 1_000_000  # the pacing clock starts after this
    code, _, err = run_cli("generate", "events", "-s", EVENTS, "--rate", "10/sec", "-n", "30", "--seed", "5",
                           "--realtime", "-o", str(out), "--stream-to", f"{redis_url}/{key}")
    assert code == 0, err
    entries = _xrange(redis_url, key)
    records = [orjson.loads(f[b"record"]) for _, f in entries]
    assert records == _lines(out)
    arrived_ms = [int(entry_id.split(b"-")[0]) for entry_id, _ in entries]  # the server's clock at each XADD
    due_ms = [_epoch_ms(r["timestamp"]) - _epoch_ms(records[0]["timestamp"]) for r in records]
    assert due_ms[-1] > 2000  # this seed's 30 arrivals at 10/sec span more than 2 s
    # Never early: each event leaves once the run's clock has passed its offset from the first (5 ms: rounding)
    assert all(arrived >= before_ms + due - 5 for arrived, due in zip(arrived_ms, due_ms, strict=True))
    # Not sent in one burst: first and last reach Redis about as far apart as they are due (a burst: ~0 apart)
    assert arrived_ms[-1] - arrived_ms[0] > due_ms[-1] - 1000


def _jetstream_records(url: str, subject: str, expected: int) -> list[dict]:
    """What the subject's stream holds, read with a pull consumer until `expected` arrived or 60 s passed."""
    import nats

    async def fetch() -> list[dict]:
        nc = await nats.connect(url)
        js = nc.jetstream()
        sub = await js.pull_subscribe(subject, durable=None)
        got: list[dict] = []
        deadline = time.monotonic() + 60
        while len(got) < expected and time.monotonic() < deadline:
            try:
                msgs = await sub.fetch(1000, timeout=5)
            except (nats.errors.TimeoutError, asyncio.TimeoutError):
                continue
            for msg in msgs:
                got.append(orjson.loads(msg.data))
                await msg.ack()
        await nc.close()
        return got

    return asyncio.run(fetch())


def test_every_event_is_published_to_jetstream_with_acks_and_a_stream_is_made_for_a_new_subject(run_cli, nats_url,
                                                                                               tmp_path):
    out, report = tmp_path / "events.jsonl", tmp_path / "report.json"
    subject = f"synth.events.t{time.monotonic_ns()}"
    code, _, err = run_cli("generate", "events", "-s", EVENTS, "--rate", "100/sec", "-n", "4321", "--seed", "9",
                           "-o", str(out), "--report", str(report), "--stream-to", f"{nats_url}/{subject}")
    assert code == 0, err
    assert "created JetStream stream SYNTH_synth_events_t" in err
    assert _jetstream_records(nats_url, subject, 4321) == _lines(out)
    assert json.loads(report.read_text())["integrations"]["stream"]["records"] == 4321


def test_a_named_jetstream_stream_that_does_not_capture_the_subject_is_refused_before_any_output(run_cli, nats_url,
                                                                                               tmp_path):
    first = f"a.t{time.monotonic_ns()}"
    assert run_cli("generate", "structured", "-s", USERS, "-n", "1", "-o", str(tmp_path / "x.jsonl"),
                   "--stream-to", f"{nats_url}/{first}?stream=OWNER_{first.replace('.', '_')}")[0] == 0
    out = tmp_path / "y.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "5", "-o", str(out),
                           "--stream-to", f"{nats_url}/{first}?stream=OTHER")
    assert code == 2 and not out.exists()
    assert f"belongs to JetStream stream 'OWNER_{first.replace('.', '_')}', not 'OTHER'" in err


def test_http_batches_are_retried_through_a_503_and_a_dropped_connection_and_none_is_lost(run_cli, tmp_path):
    out = tmp_path / "u.jsonl"
    with FakeServer(default_handler=lambda req: Reply(status=204)) as server:
        server.push(Reply(status=503, headers={"Retry-After": "0"}), Reply(drop=True))
        code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "1200", "-o", str(out),
                               "--stream-to", f"{server.url}/ingest?token=s3cret-token")
        requests = server.requests
    assert code == 0, err
    assert "s3cret-token" not in err
    keys = [r.header("idempotency-key") for r in requests]
    assert keys[0] == keys[1] == keys[2] and len(set(keys[2:])) == len(keys) - 2  # a retry keeps its key
    assert all(r.header("content-type") == "application/x-ndjson" and r.query == {"token": "s3cret-token"}
               for r in requests)
    received = [json.loads(line) for r in requests[2:] for line in r.body.splitlines()]
    assert received == _lines(out) and len(requests) == 2 + 3  # 1200 records in batches of 500


def test_an_http_endpoint_that_refuses_the_records_fails_the_run_naming_it_and_leaves_no_output(run_cli, tmp_path):
    out = tmp_path / "u.jsonl"
    with FakeServer(default_handler=lambda req: Reply(status=401, body="bad token")) as server:
        url = f"{server.url}/ingest"
        code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "10", "-o", str(out), "--stream-to", url)
    assert code == 1 and not out.exists()
    assert err.strip().splitlines()[-1] == f"error: stream http: {url}: HTTP 401: bad token"


@pytest.mark.parametrize(("scheme", "extra"), [("redis", "redis"), ("nats", "nats")])
def test_without_the_extra_a_url_target_is_one_usage_error_naming_the_extra(run_cli, monkeypatch, tmp_path, scheme,
                                                                           extra):
    monkeypatch.setitem(__import__("sys").modules, scheme, None)  # as if the package were not installed
    out = tmp_path / "u.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "3", "-o", str(out),
                           "--stream-to", f"{scheme}://127.0.0.1:1/orders")
    assert code == 2 and not out.exists() and "Traceback" not in err
    assert f"pip install 'agentic-synth[{extra}]'" in err


@pytest.mark.parametrize("scheme", ["redis", "nats"])
def test_a_server_that_is_not_there_is_one_error_line_before_any_output(run_cli, tmp_path, scheme):
    out = tmp_path / "u.jsonl"
    code, _, err = run_cli("generate", "structured", "-s", USERS, "-n", "3", "-o", str(out),
                           "--stream-to", f"{scheme}://:pw-secret@127.0.0.1:1/orders")
    line = err.strip().splitlines()[-1]
    assert code == 1 and not out.exists() and "Traceback" not in err and "pw-secret" not in err
    assert line.startswith(f"error: stream {scheme}: {scheme}://127.0.0.1:1/orders: cannot connect")
