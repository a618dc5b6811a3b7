"""`generate timeseries` and `generate events` end to end: four formats, byte-identical seeds, errors, --stream."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from tests.readback import read_output

TS_SCHEMA = {"timestamp": "datetime", "temperature": {"type": "number", "min": -20, "max": 40},
             "humidity": {"type": "integer", "min": 0, "max": 100}}
EV_SCHEMA = {"type": {"enum": ["click", "view", "purchase"], "weights": [0.6, 0.3, 0.1],
                      "payloads": {"purchase": {"amount": {"type": "number", "min": 1, "max": 99}}}},
             "user_id": {"type": "uuid", "population": 100}}
RUNS = {"timeseries": (TS_SCHEMA, ["--interval", "1m", "--duration", "7d", "--series", "2"], 2 * 7 * 1440),
        "events": (EV_SCHEMA, ["--rate", "100/sec", "-n", "12000"], 12000)}
START = "2025-01-01T00:00:00Z"



@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
@pytest.mark.parametrize("kind", ["timeseries", "events"])
def test_each_format_holds_every_record_and_a_seed_gives_byte_identical_files(run_cli, schema_file, tmp_path, kind,
                                                                             fmt):
    schema, args, expected = RUNS[kind]
    files = []
    for i, seed in enumerate(("4", "4", "5")):
        out = tmp_path / f"{kind}{i}.{fmt}"
        code, _, err = run_cli("generate", kind, "--schema", schema_file(schema), *args, "--start", START,
                               "--seed", seed, "-o", str(out))
        assert code == 0, err
        files.append(out.read_bytes())
    assert files[0] == files[1] and files[0] != files[2]
    rows = read_output(tmp_path / f"{kind}0.{fmt}", fmt)
    assert len(rows) == expected
    if fmt == "parquet":
        assert str(pq.read_schema(tmp_path / f"{kind}0.{fmt}").field("timestamp").type) == "timestamp[us, tz=UTC]"
        stamps = [r["timestamp"] for r in rows]
        assert stamps[0].isoformat() == "2025-01-01T00:00:00+00:00" if kind == "timeseries" else stamps[0].year == 2025
    else:
        stamps = [r["timestamp"] for r in rows]
        assert stamps[0].startswith("2025-01-01T00:00:") and stamps[0].endswith("Z")
    assert stamps == sorted(stamps)


@pytest.mark.parametrize(("kind", "args", "expected"), [
    ("timeseries", ["--interval", "5 minutes"],
     "error: --interval: '5 minutes' is not a duration; use a number and a unit: 500ms, 1s, 5m, 1h, 1d, 1w"),
    ("timeseries", ["--interval", "1m", "--duration", "1h", "-n", "10"],
     "error: --count 10 and --duration disagree: the duration holds 60 points"),
    ("events", ["--rate", "lots"],
     "error: --rate: 'lots' is not a rate; use a number per unit: 100/sec, 100/s, 5/min, 5/m, 2/hour, 2/h"),
    ("events", ["--interval", "1m"], "error: --interval does not apply to 'events'"),
    ("events", ["--start", "2025-13-01"], "error: --start: '2025-13-01' is not an ISO-8601 date-time"),
    ("structured", ["--realtime"], "error: --realtime does not apply to 'structured'"),
])
def test_bad_options_are_one_error_line_exit_2_and_no_file(run_cli, schema_file, tmp_path, kind, args, expected):
    schema = schema_file(TS_SCHEMA if kind == "timeseries" else {"v": "integer"})
    out = tmp_path / "out.jsonl"
    code, _, err = run_cli("generate", kind, "--schema", schema, *args, "-o", str(out))
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(expected), err
    assert not out.exists() and "Traceback" not in err


def _spawn(*args: str, stdout: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "agentic_synth", *args], stdout=stdout,
                            stderr=subprocess.PIPE, env={**os.environ})


def test_realtime_streaming_to_stdout_delivers_lines_while_the_run_is_still_going():
    with _spawn("-q", "generate", "events", "--schema", '{"v": "integer"}', "--rate", "4/sec", "-n", "40",
                "--realtime", stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        running = proc.poll() is None  # ten seconds of events: the first line arrives long before the end
        proc.kill()
    assert running
    assert set(json.loads(line)) == {"timestamp", "v"}


def test_ctrl_c_stops_a_realtime_stream_cleanly_leaving_only_whole_lines(tmp_path):
    out = tmp_path / "events.jsonl"
    with _spawn("generate", "events", "--schema", '{"type": ["a", "b"], "n": "integer"}', "--rate", "200/sec",
                "--realtime", "-o", str(out)) as proc:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 2000):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    text = out.read_text()
    assert proc.returncode == 130
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) > 10 and all(set(json.loads(line)) == {"timestamp", "type", "n"} for line in lines)
    last = err.decode().strip().splitlines()[-1]
    assert last == f"error: interrupted; {len(lines)} records written", err.decode()
    assert "Traceback" not in err.decode()


@pytest.mark.parametrize(("kind", "extra"), [("timeseries", ["--interval", "1h"]), ("events", ["--rate", "1/h"])])
def test_a_datetime_after_the_timestamp_field_is_later_than_it_in_every_record(run_cli, schema_file, kind,
                                                                              extra) -> None:
    schema = {"at": "datetime", "ends": {"type": "datetime", "after": "at"}, "v": {"type": "number", "min": 0}}
    code, out, err = run_cli("generate", kind, "-s", schema_file(schema), "-n", "200", "--start", START,
                             "--seed", "8", *extra)
    assert code == 0, err
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert len(rows) == 200 and rows[0]["at"].startswith("2025-01-01T")
    assert all(r["ends"][:19] > r["at"][:19] for r in rows)
