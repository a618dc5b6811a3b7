"""What a new user meets first: default schemas, bare command groups, errors that name options as typed,
the notice line, where the cache is, and counts that read as English (issue 15, items 3, 4, 5, 7, 8, 10)."""

from __future__ import annotations

import json
import math
import os
import re
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path

import click
import numpy as np
import pytest

from agentic_synth import AgenticSynth, UsageError
from agentic_synth.adapters.engine.events import DEFAULT_SCHEMA as EVENTS_DEFAULT
from agentic_synth.adapters.engine.timeseries import DEFAULT_SCHEMA as SERIES_DEFAULT
from agentic_synth.domain.generation.results import RunMetadata
from agentic_synth.entrypoints.cli.console import summary
from agentic_synth.entrypoints.cli.main import cli

START = "2025-01-01T00:00:00Z"
NAMES = '{"name": "name"}'


def _instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _lines(text: str) -> list[str]:
    return text.splitlines()


# --- item 3: default schemas --------------------------------------------------------------------

def test_the_specifications_events_command_runs_without_a_schema_and_the_events_look_right(run_cli, tmp_path,
                                                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("generate", "events", "--count", "5000", "--rate", "100/sec", "--stream",
                           "--output", "events.jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in Path("events.jsonl").read_text().splitlines()]
    assert len(rows) == 5000 and all(list(r) == list(EVENTS_DEFAULT) for r in rows)
    gaps = np.diff([_instant(r["timestamp"]) for r in rows])
    assert (gaps >= 0).all() and abs(gaps.mean() - 0.01) < 0.0005  # Poisson at 100/sec: mean gap 10 ms
    weights = EVENTS_DEFAULT["type"]["weights"]
    shares = Counter(r["type"] for r in rows)
    for value, weight in zip(EVENTS_DEFAULT["type"]["enum"], weights, strict=True):
        assert abs(shares[value] / 5000 - weight / sum(weights)) < 0.025
    users = Counter(r["user_id"] for r in rows)
    assert len(users) <= 1000 and users.most_common(1)[0][1] > 5000 / 1000 * 5  # a population, Zipf-skewed
    assert len({r["event_id"] for r in rows}) == 5000


def test_timeseries_without_a_schema_is_a_value_with_a_daily_cycle_around_100(run_cli) -> None:
    code, out, err = run_cli("generate", "timeseries", "--interval", "1m", "--duration", "2d", "--start", START,
                             "--seed", "3")
    assert code == 0, err
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert len(rows) == 2 * 1440 and all(list(r) == list(SERIES_DEFAULT) for r in rows)
    t = np.array([_instant(r["timestamp"]) for r in rows])
    y = np.array([r["value"] for r in rows])
    day = 2 * math.pi * t / 86400
    fit, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(t), np.sin(day), np.cos(day)]), y, rcond=None)
    model = SERIES_DEFAULT["value"]
    assert abs(fit[0] - model["base"]) < 0.5
    assert abs(math.hypot(fit[1], fit[2]) - model["seasonality"][0]["amplitude"]) < 0.5
    assert all(round(v, 2) == v for v in y)  # the default precision for a noise of 1: two decimals


def test_generate_help_names_the_fields_of_both_default_schemas(run_cli) -> None:
    code, out, _ = run_cli("generate", "--help")
    text = " ".join(out.decode().split())
    assert code == 0
    assert "{" + ", ".join(SERIES_DEFAULT) + "}" in text and "{" + ", ".join(EVENTS_DEFAULT) + "}" in text


@pytest.mark.parametrize("kind", ["timeseries", "events"])
def test_an_empty_schema_gives_the_timestamp_the_generator_adds(run_cli, kind) -> None:
    code, out, err = run_cli("generate", kind, "--schema", "{}", "-n", "3", "--start", START)
    assert code == 0, err
    assert [list(json.loads(line)) for line in out.decode().splitlines()] == [["timestamp"]] * 3


def test_structured_records_still_need_a_schema_and_an_empty_one_has_no_fields(run_cli) -> None:
    assert run_cli("generate", "structured", "-n", "1")[2] == (
        "error: 'structured' needs a schema: --schema FILE|JSON, or schema= in the SDK "
        "(only events, timeseries have a default)\n")
    assert run_cli("generate", "structured", "-s", "{}")[2] == "error: schema: the schema has no fields\n"


# --- item 4: bare command groups ----------------------------------------------------------------

GROUPS = [[]] + [[name] for name, command in sorted(cli.commands.items()) if isinstance(command, click.Group)]


@pytest.mark.parametrize("args", GROUPS, ids=lambda a: " ".join(a) or "agentic-synth")
def test_a_bare_command_group_prints_its_formatted_help(run_cli, args) -> None:
    code, out, err = run_cli(*args)
    assert (code, out) == (2, b"")  # as click does: the help on stderr, exit 2
    lines = _lines(err)
    assert lines[0].startswith(f"Usage: agentic-synth {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")
    assert "Commands:" in lines and "Options:" in lines and not err.startswith("error:")


# --- item 5: options named as the user typed them -------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["events", "-O", "diurnl=business"],
     "error: -O diurnl does not apply to 'events' (did you mean -O diurnal?); its options: --rate, --start, "
     "--duration, -O diurnal, -O bursts, --realtime"),
    (["structured", "-s", NAMES, "-O", "cout=5"],
     "error: -O cout does not apply to 'structured' (did you mean --count?); it has no options of its own"),
    (["structured", "-s", NAMES, "-O", "count=5"],
     "error: -O count does not apply to 'structured' (did you mean --count?); it has no options of its own"),
    (["structured", "-s", NAMES, "--rate", "5/s"],
     "error: --rate does not apply to 'structured'; it has no options of its own"),
    (["events", "-O", "interval=1m"],
     "error: -O interval does not apply to 'events'; its options: --rate, --start, --duration, -O diurnal, "
     "-O bursts, --realtime"),
    (["timeseries", "-O", "precison=2"],
     "error: -O precison does not apply to 'timeseries' (did you mean -O precision?); its options: --interval, "
     "--start, --duration, --series, --realtime, -O precision"),
    (["events", "--diurnal", "business"], "error: No such option '--diurnal': 'events' takes diurnal as "
                                          "-O diurnal=VALUE"),
    (["timeseries", "--precison", "2"], "error: No such option '--precison' (did you mean -O precision=VALUE?)"),
])
def test_an_unknown_option_is_named_as_typed_with_a_hint_among_every_option(run_cli, args, message) -> None:
    code, out, err = run_cli("generate", *args)
    assert (code, out, err) == (2, b"", message + "\n")


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: s.generate("structured", schema=NAMES, cout=5),
     "generate(): cout= does not apply to 'structured' (did you mean count=?); it has no options of its own"),
    (lambda s: s.generate("events", count=1, diurnl="business"),
     "generate(): diurnl= does not apply to 'events' (did you mean diurnal=?); its options: rate=, start=, "
     "duration=, diurnal=, bursts=, realtime="),
    (lambda s: s.generate("structured", schema=NAMES, outptu="x.jsonl"),
     "generate(): outptu= does not apply to 'structured' (did you mean output=?); it has no options of its own"),
    (lambda s: s.request("structured", schema=NAMES, loacle="de_DE"),
     "request(): loacle= does not apply to 'structured' (did you mean locale=?); it has no options of its own"),
    (lambda s: list(s.generate_stream("structured", schema=NAMES, output="x.jsonl")),
     "generate_stream() does not take output= (it yields the records; generate(..., output=...) writes them)"),
])
def test_sdk_keywords_are_named_as_keywords_with_a_hint_among_them(container, call, message) -> None:
    with pytest.raises(UsageError) as caught:
        call(AgenticSynth(container=container))
    assert str(caught.value) == message


# --- item 7: the notice line ----------------------------------------------------------------------

def test_the_notice_comes_once_after_every_check_and_never_before_a_usage_error(run_cli, tmp_path) -> None:
    code, _, err = run_cli("generate", "structured", "-s", NAMES, "-o", str(tmp_path / "missing" / "x.csv"))
    assert (code, err) == (2, f"error: output: directory '{tmp_path / 'missing'}' does not exist\n")
    code, _, err = run_cli("generate", "structured", "-s", NAMES, "-n", "2", "-o", str(tmp_path / "x.csv"))
    assert code == 0 and [line for line in _lines(err) if "built-in engine" in line] == _lines(err)[:1]
    assert len(_lines(err)) == 2 and _lines(err)[1].startswith("wrote 2 structured records")


def test_the_notice_is_silenced_by_an_environment_variable_or_the_config_and_the_summary_stays(
        run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGENTIC_SYNTH_NOTICE", "false")
    err = run_cli("generate", "events", "-n", "1")[2]
    assert _lines(err) == [line for line in _lines(err) if line.startswith("wrote 1 event to stdout")]
    monkeypatch.delenv("AGENTIC_SYNTH_NOTICE")
    Path("quiet.json").write_text('{"cli": {"notice": false}}')
    err = run_cli("--config", "quiet.json", "generate", "timeseries", "-n", "1")[2]
    assert len(_lines(err)) == 1 and err.startswith("wrote 1 time-series record to stdout")


def test_after_init_a_time_series_count_is_taken_and_the_configured_duration_fills_in_without_one(
        run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init")[0] == 0  # its generators.timeseries.defaultDuration is 1h at 1s: 3,600 points
    code, out, err = run_cli("-q", "generate", "timeseries", "-n", "3", "--start", START)
    assert code == 0, err
    assert [json.loads(line)["timestamp"] for line in out.splitlines()] == [
        "2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z", "2025-01-01T00:00:02Z"]
    config = json.loads(Path(".agentic-synth.json").read_text())
    config["generators"]["timeseries"]["defaultDuration"] = "10s"
    Path(".agentic-synth.json").write_text(json.dumps(config))
    code, out, err = run_cli("-q", "generate", "timeseries", "--start", START)
    assert code == 0 and len(out.splitlines()) == 10, err
    code, _, err = run_cli("generate", "timeseries", "-n", "3", "--duration", "10s")
    assert (code, err) == (2, "error: --count 3 and --duration disagree: the duration holds 10 points at this "
                              "interval; give one of them\n")


# --- item 8: the cache directory, and --cache-policy with the engine --------------------------------

@pytest.mark.parametrize(("cache", "variable", "doctor_line"), [
    (None, True, "ok    cache directory              {env} is writable"),
    ({"persistPath": "here/cache"}, True, "ok    cache directory              {env} is writable"),  # the variable wins
    ({"persistPath": "here/cache"}, False, "ok    cache directory              here/cache is writable"),
    ({"persistPath": ""}, False, '-     cache                        in memory only (persistPath is "")'),
    ({"enabled": False}, True, "-     cache                        disabled"),
])
def test_doctor_and_cache_path_agree_on_where_the_cache_is(run_cli, tmp_path, monkeypatch, cache, variable,
                                                           doctor_line) -> None:
    monkeypatch.chdir(tmp_path)
    env = os.environ["AGENTIC_SYNTH_CACHE_DIR"]
    if not variable:
        monkeypatch.delenv("AGENTIC_SYNTH_CACHE_DIR")
    if cache is not None:
        Path(".agentic-synth.json").write_text(json.dumps({"cache": cache}))
    where = run_cli("cache", "path")[1].decode().strip()
    assert doctor_line.format(env=env) in _lines(run_cli("doctor")[1].decode())
    assert (where in doctor_line.format(env=env)) == (not where.startswith("(no persistent cache"))


def test_model_call_flags_on_an_engine_run_say_they_do_nothing(run_cli, tmp_path) -> None:
    report = tmp_path / "r.json"
    code, _, err = run_cli("generate", "structured", "-s", NAMES, "-n", "1", "--cache-policy", "none",
                           "--budget", "0.5", "--report", str(report))
    assert code == 0
    said = "agentic-synth: --cache-policy, --budget do nothing in engine mode (the engine calls no model)"
    assert said in _lines(err)
    assert json.loads(report.read_text())["notes"] == [
        "routing, budget and cache-policy options apply to model calls; the engine made none"]


# --- item 10: wording --------------------------------------------------------------------------------

@pytest.mark.parametrize(("meta", "line"), [
    (RunMetadata(kind="structured", mode="engine", seed=1, requested=1, records=1),
     "wrote 1 structured record to stdout (jsonl) in 0.00s, seed 1"),
    (RunMetadata(kind="events", mode="engine", seed=1, requested=30148, records=30148, output="e.csv", format="csv"),
     "wrote 30,148 events to e.csv (csv) in 0.00s, seed 1"),
    (RunMetadata(kind="timeseries", mode="engine", seed=1, requested=2, records=2),
     "wrote 2 time-series records to stdout (jsonl) in 0.00s, seed 1"),
    (RunMetadata(kind="dice", mode="llm", seed=1, requested=1, records=1, cache_hits=1, cache_misses=1, dropped=1),
     "wrote 1 dice record to stdout (jsonl) in 0.00s, seed 1; 1 invalid or duplicate record dropped; "
     "cache: 1 hit, 1 miss, 1 call saved"),
])
def test_the_summary_line_counts_in_english_with_thousands_separators(meta, line) -> None:
    assert summary(meta) == line


def test_a_batch_of_one_job_says_one_job(run_cli, tmp_path) -> None:
    batch = tmp_path / "b.json"
    batch.write_text(json.dumps({"seed": 1, "jobs": [{"name": "u", "kind": "structured", "schema": {"n": "name"},
                                                     "count": 1}]}))
    code, _, err = run_cli("batch", "generate", "-c", str(batch), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert f"agentic-synth: batch b.json: 1 job, 1 at a time, seed 1, into {tmp_path / 'out'}" in _lines(err)
    assert any(line.startswith("batch: 1 of 1 job ok, 1 record in ") for line in _lines(err))


def test_a_batch_job_without_a_schema_takes_the_default_one_as_generate_does(run_cli, tmp_path) -> None:
    batch = tmp_path / "b.json"
    jobs = [{"name": "clicks", "kind": "events", "count": 10}, {"name": "users", "kind": "structured"}]
    batch.write_text(json.dumps({"seed": 1, "jobs": jobs}))
    code, _, err = run_cli("batch", "generate", "-c", str(batch), "-o", str(tmp_path / "out"))
    assert (code, err) == (2, "error: b.json: jobs[1] (users): 'structured' needs a schema: --schema FILE|JSON, "
                              "or schema= in the SDK (only events, timeseries have a default)\n")
    batch.write_text(json.dumps({"seed": 1, "jobs": jobs[:1]}))
    assert run_cli("batch", "generate", "-c", str(batch), "-o", str(tmp_path / "out"))[0] == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "clicks.jsonl").read_text().splitlines()]
    assert len(rows) == 10 and all(list(r) == list(EVENTS_DEFAULT) for r in rows)


def test_time_series_precision_is_an_option_with_every_digit_on_request(run_cli) -> None:
    def values(*args: str) -> list[float]:
        code, out, err = run_cli("generate", "timeseries", "-n", "50", "--start", START, "--seed", "1", *args)
        assert code == 0, err
        return [json.loads(line)["value"] for line in out.decode().splitlines()]

    full, three = values("-O", "precision=full"), values("-O", "precision=3")
    assert [round(v, 3) for v in full] == three and statistics.mean(len(repr(v)) for v in full) > 12
    assert values() == [round(v, 2) for v in full]
    assert run_cli("generate", "timeseries", "-O", "precision=many")[2] == (
        "error: precision: expected auto, full or a whole number of decimals 0..12, got 'many'\n")


MONEY = {"id": {"type": "integer", "unique": True, "min": 1, "max": 10**6}, "balance": {"type": "amount", "min": 0,
         "max": 5000}, "tip": {"type": "amount", "precision": 0, "nullable": True, "null_rate": 0.3}}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_money_is_written_with_its_decimals_and_reads_back_as_the_same_numbers(run_cli, schema_file, tmp_path,
                                                                               container, fmt) -> None:
    out = tmp_path / f"m.{fmt}"
    code, _, err = run_cli("generate", "structured", "-s", schema_file(MONEY), "-n", "400", "--seed", "8",
                           "-o", str(out))
    assert code == 0, err
    text = out.read_bytes().decode()
    balances = re.findall(r'"balance":([^,}]*)' if fmt != "csv" else r"^\d+,([^,]*),", text, re.M)
    tips = re.findall(r'"tip":([^,}]*)' if fmt != "csv" else r"^\d+,[^,]*,([^,\r]*)\r$", text, re.M)
    assert len(balances) == len(tips) == 400
    assert all(re.fullmatch(r"\d+\.\d\d", b) for b in balances) and any(b.endswith("0") for b in balances)
    assert {t for t in tips if not re.fullmatch(r"\d+", t)} == ({"null"} if fmt != "csv" else {""})
    kept = AgenticSynth(container=container).generate("structured", schema=MONEY, count=400, seed=8).records
    assert [r["balance"] for r in kept] == [float(b) for b in balances]  # the same numbers, floats in memory
    assert all(type(r["balance"]) is float for r in kept)


# --- item 9: the schema page's consistency claim holds -----------------------------------------------

@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "es_ES"])
@pytest.mark.parametrize("schema", [{"address": "address", "country": "country", "cc": "country_code"},
                                    {"country": "country", "cc": "country_code", "city": "city"},
                                    {"currency": "currency", "cc": "country_code", "postcode": "postcode",
                                     "country": "country"}])
def test_a_record_with_a_place_is_in_the_locales_country_whatever_the_field_order(container, schema, locale):
    countries = {"en_US": ("United States", "US"), "de_DE": ("Germany", "DE"), "fr_FR": ("France", "FR"),
                 "es_ES": ("Spain", "ES")}
    rows = AgenticSynth(container=container).generate("structured", schema=schema, count=200, seed=5,
                                                      locale=locale).records
    name, code = countries[locale]
    assert {r["cc"] for r in rows} == {code}
    assert {r.get("country", name) for r in rows} == {name}
    if "currency" in schema:
        assert {r["currency"] for r in rows} == {"USD" if locale == "en_US" else "EUR"}
