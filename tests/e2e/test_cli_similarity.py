"""`validate --reference` and `generate --stream-to midstreamer --reference`: series compared with a reference."""

from __future__ import annotations

import json

import pytest

SCHEMA = '{"temperature": {"type": "number", "min": 10, "max": 30}, "load": {"type": "integer", "min": 0, "max": 9}}'


def _make(run_cli, path, seed, *extra):
    code, _, err = run_cli("generate", "timeseries", "-s", SCHEMA, "-n", "300", "--series", "2", "--seed", str(seed),
                           "--interval", "1m", "--start", "2025-01-01T00:00:00Z", "-o", str(path), *extra)
    assert code == 0, err
    return err


@pytest.fixture
def files(run_cli, tmp_path):
    ref, data = tmp_path / "ref.csv", tmp_path / "data.parquet"
    _make(run_cli, ref, 1)
    _make(run_cli, data, 2)
    return ref, data


def test_a_file_compared_with_itself_is_identical_in_every_series_and_window(run_cli, files):
    ref, _ = files
    code, out, err = run_cli("validate", "--reference", str(ref), str(ref), "--window", "50", "--json",
                             "--analyzer", "numpy")
    assert code == 0, err
    report = json.loads(out)
    assert {(s["series"], s["column"]) for s in report["series"]} == {(i, c) for i in (1, 2)
                                                                      for c in ("temperature", "load")}
    for series in report["series"]:
        assert series["whole"]["dtw_distance"] == 0 and series["whole"]["similarity"] == 1
        assert series["whole"]["points"] == 300 and len(series["windows"]) == 6
        assert all(w["lcs_length"] == w["points"] == 50 for w in series["windows"])


def test_another_seed_is_less_similar_and_min_similarity_fails_the_run_naming_the_series(run_cli, files):
    ref, data = files
    code, out, err = run_cli("validate", "--reference", str(ref), str(data), "--analyzer", "numpy", "--json")
    whole = {(s["series"], s["column"]): s["whole"] for s in json.loads(out)["series"]}
    assert code == 0 and all(0 < w["similarity"] < 1 and w["dtw_distance"] > 0 for w in whole.values())
    worst = min(w["similarity"] for w in whole.values())
    code, out, err = run_cli("validate", "--reference", str(ref), str(data), "--analyzer", "numpy",
                             "--min-similarity", str(round(worst + 1e-6, 7)))
    assert code == 1 and "series below --min-similarity" in err and b"temperature[" in out


def test_rolling_similarity_while_generating_equals_validate_window_by_window(run_cli, files, tmp_path):
    ref, _ = files
    out, report = tmp_path / "live.jsonl", tmp_path / "report.json"
    err = _make(run_cli, out, 2, "--stream-to", "midstreamer:60", "--reference", str(ref), "--report", str(report))
    assert f"similarity to {ref} (" in err
    rolled = json.loads(report.read_text())["integrations"]["similarity"]["series"]
    live = {(s["series"], s["column"]): s for s in rolled}
    _, text, _ = run_cli("validate", "--reference", str(ref), str(out), "--window", "60", "--json")
    after = {(s["series"], s["column"]): s["windows"] for s in json.loads(text)["series"]}
    assert live.keys() == after.keys()
    for key, windows in after.items():
        assert live[key]["windows"] == len(windows) == 5
        assert live[key]["mean_similarity"] == pytest.approx(sum(w["similarity"] for w in windows) / 5, abs=1e-12)


def test_without_node_the_numpy_path_answers_with_a_notice_and_the_same_numbers(run_cli, files, monkeypatch,
                                                                                tmp_path):
    ref, data = files
    code, first, _ = run_cli("validate", "--reference", str(ref), str(data), "--json", "--analyzer", "numpy")
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on PATH
    code, second, err = run_cli("validate", "--reference", str(ref), str(data), "--json")
    assert code == 0 and "Node.js is not installed; comparing with the numpy reference implementation" in err
    assert json.loads(second)["analyzer"] == "numpy" and json.loads(second)["series"] == json.loads(first)["series"]
    code, _, err = run_cli("validate", "--reference", str(ref), str(data), "--analyzer", "midstreamer")
    assert code == 2 and "error: --analyzer midstreamer: Node.js is not installed" in err


@pytest.mark.parametrize(("args", "message"), [
    (["--reference", "REF"], "error: --reference: name the data file to compare"),
    (["--reference", "missing.csv", "DATA"], "error: --reference: file 'missing.csv' not found"),
    (["DATA"], "error: --schema is required"),
])
def test_bad_similarity_requests_are_one_usage_error(run_cli, files, args, message):
    ref, data = files
    args = [str(ref) if a == "REF" else str(data) if a == "DATA" else a for a in args]
    code, _, err = run_cli("validate", *args)
    assert code == 2 and err.strip().splitlines()[-1].startswith(message) and "Traceback" not in err


def test_stream_to_midstreamer_without_a_reference_or_a_plugin_says_what_to_add(run_cli, tmp_path):
    code, _, err = run_cli("generate", "timeseries", "-s", SCHEMA, "-n", "5", "-o", str(tmp_path / "x.jsonl"),
                           "--stream-to", "midstreamer")
    assert code == 2 and "add --reference FILE" in err and not (tmp_path / "x.jsonl").exists()
    code, _, err = run_cli("generate", "timeseries", "-s", SCHEMA, "-n", "5", "--reference", "r.csv")
    assert code == 2 and "--reference goes with --stream-to midstreamer" in err
