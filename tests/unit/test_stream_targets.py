"""StreamTarget: --stream-to URLs parsed once, options checked, credentials and tokens never in a label."""

from __future__ import annotations

import pytest

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.integrations.stream_targets import StreamTarget, is_stream_url, redact_url


def test_a_redis_url_gives_host_port_stream_and_options_and_a_label_without_the_password():
    target = StreamTarget.from_spec("redis://:hunter2@cache.local:6380/orders:live?maxlen=5000&batch=200")
    assert (target.host, target.port, target.name, target.maxlen, target.batch) == ("cache.local", 6380, "orders:live",
                                                                                  5000, 200)
    assert target.password == "hunter2" and "hunter2" not in repr(target)
    assert target.label == "redis://cache.local:6380/orders:live"


def test_defaults_fill_the_port_and_the_batch_per_scheme():
    assert StreamTarget.from_spec("redis://h/s").port == 6379
    nats = StreamTarget.from_spec("nats://h/a.b.c?stream=ORDERS")
    assert (nats.port, nats.name, nats.stream, nats.batch) == (4222, "a.b.c", "ORDERS", 10_000)


def test_an_http_url_is_kept_whole_for_the_request_but_its_query_and_userinfo_never_show():
    target = StreamTarget.from_spec("https://bob:pw@ingest.example/v1/records?token=abc")
    assert target.url == "https://bob:pw@ingest.example/v1/records?token=abc" and target.batch == 500
    assert target.label == "https://***@ingest.example/v1/records"


@pytest.mark.parametrize(("spec", "message"), [
    ("redis://h:6379", "name the stream key"),
    ("redis://h/s?maxlen=0", "maxlen must be a whole number >= 1, got '0'"),
    ("redis://h/s?max=3", "unknown option 'max' (known: maxlen, batch)"),
    ("nats://h/bad subject", "name a subject"),
    ("nats://h/a..b", "name a subject"),
    ("nats://h/a?stream=has.dot", "stream: 'has.dot' must be"),
    ("redis://h:99999/s", "Port out of range"),
    ("http:///path", "the URL has no host"),
])
def test_bad_urls_are_usage_errors_naming_the_part(spec, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        StreamTarget.from_spec(spec)
    assert str(caught.value).startswith("--stream-to ")


def test_only_url_schemes_we_stream_to_are_urls_and_redaction_survives_garbage():
    assert is_stream_url("nats://h/x") and is_stream_url("HTTPS://h") and not is_stream_url("jsonl:/tmp/x")
    assert not is_stream_url("midstreamer:pipe") and not is_stream_url("ftp://h/x")
    assert redact_url("redis://u:p@h:1/s?x=1") == "redis://***@h:1/s"
    assert redact_url("http://[::1") == "<unparsable URL>"
