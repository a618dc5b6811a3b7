"""Every error path ends in one `error: ...` line on stderr with its exit code, never a traceback."""

from __future__ import annotations

import pytest

from tests.fakes import MIDWAY_ERRORS, FailingGenerator

S = '{"n": "integer"}'
LONG = "a" * 300  # no file system takes a name this long


def _files(tmp_path):
    (tmp_path / "broken.json").write_text('[{"n": 1},\n')
    (tmp_path / "broken.parquet").write_bytes(b"junk")
    (tmp_path / "latin1.csv").write_bytes(b"n\n\xff\xfe\n")
    (tmp_path / "schema.json").write_text('{\n  "n": "integer",\n}\n')
    (tmp_path / "adir").mkdir()


@pytest.mark.parametrize(("args", "code", "start"), [
    (["bogus"], 2, "error: No such command 'bogus'"),
    (["generate", "structured", "--bogus"], 2, "error: No such option '--bogus'"),
    (["generate", "structured"], 2, "error: 'structured' needs a schema"),
    (["generate", "structured", "-s", S, "-n", "-1"], 2, "error: Invalid value for '-n' / '--count'"),
    (["generate", "nope", "-s", S], 2, "error: unknown generator 'nope'; known: events, structured, timeseries"),
    (["generate", "structured", "-s", S, "--locale", "xx"], 2, "error: locale 'xx' is not one of"),
    (["generate", "structured", "-s", S, "-o", "missing/dir/x.csv"], 2, "error: output: directory 'missing/dir'"),
    (["generate", "structured", "-s", S, "-o", "adir"], 2, "error: output: 'adir' is a directory"),
    (["generate", "structured", "-s", S, "-o", "adir", "-f", "csv"], 2, "error: output: 'adir' is a directory"),
    (["generate", "structured", "-s", S, "--report", "adir"], 2, "error: --report: 'adir' is a directory"),
    (["batch", "generate", "-c", "b.yaml", "-o", "out", "--report", "adir"], 2,
     "error: --report: 'adir' is a directory"),
    (["generate", "structured", "-s", S, "-f", "parquet"], 2, "error: parquet output needs a file"),
    (["generate", "structured", "-s", S, "-o", "x.json", "--stream"], 2, "error: --stream writes line by line"),
    (["generate", "structured", "-s", S, "--report", "missing/r.json"], 2, "error: --report: directory"),
    (["generate", "structured", "-s", S, "-O", "x=1"], 2, "error: -O x does not apply to 'structured'"),
    (["generate", "structured", "-s", "schema.json"], 2,
     "error: schema.json: invalid JSON at line 3, column 1: Expecting property name"),
    (["generate", "structured", "-s", '{"a": {"type": "string", "pattern": "["}}'], 2,
     "error: schema: a: pattern '[' is not a valid regular expression"),
    (["validate"], 2, "error: --schema is required (a file path or inline JSON), or --reference REF"),
    (["validate", "-s", S, "nofile.csv"], 2, "error: data file 'nofile.csv' not found"),
    (["validate", "-s", S, "broken.json"], 2, "error: broken.json: invalid JSON at line 2, column 1"),
    (["validate", "-s", S, "broken.parquet"], 2, "error: broken.parquet: not a readable Parquet file"),
    (["validate", "-s", S, "latin1.csv"], 2, "error: latin1.csv: not UTF-8 text"),
    (["--config", LONG, "config", "show"], 2, f"error: config file '{LONG}' not found"),  # slow-profile findings:
    (["generate", "structured", "-s", S, "--report", LONG], 2, "error: --report: the name 'aaaa"),  # a name over
    (["validate", "-s", S, LONG], 2, f"error: data file '{LONG}' not found"),  # 255 bytes was exit 70
    (["validate", "--reference", LONG, "x.csv"], 2, "error: 'aaaa"),
    (["vectors", "info", "--db", LONG], 2, "error: 'aaaa"),
    (["vectors"], 2, "error: agentic-synth vectors: name a command (info, search)"),  # after the group's help
    ([], 2, "error: agentic-synth: name a command (batch, cache, config,"),  # slow-profile findings: exit 2 with
    (["-v", "validate"], 2, "error: --schema is required"),  # no error line / a traceback with -v
    (["-vv", "generate", "structured", "-s", S, "-n", "x"], 2, "error: Invalid value for '-n'"),
])
def test_bad_input_gives_one_error_line_and_its_exit_code(run_cli, tmp_path, monkeypatch, args, code, start) -> None:
    monkeypatch.chdir(tmp_path)
    _files(tmp_path)
    before = sorted(tmp_path.iterdir())
    got, _, err = run_cli(*args)
    assert got == code, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(start), err
    assert "Traceback" not in err and err.splitlines()[-1] == errors[0]
    assert sorted(tmp_path.iterdir()) == before  # no output file of any kind


@pytest.mark.parametrize(("error", "code", "message"), [
    ("provider", 3, "error: gemini: HTTP 500 after 3 retries"),
    ("keyboard", 130, "error: interrupted; 100 records written"),  # what reached stdout cannot be taken back
    ("bug", 70, "error: internal error: RuntimeError: boom (please report; -v shows details)"),
])
def test_errors_raised_while_generating_to_stdout_are_one_line_too(run_cli, container, error, code,
                                                                   message) -> None:
    container.registry().register(FailingGenerator(MIDWAY_ERRORS[error], good_chunks=1))
    got, out, err = run_cli("generate", "failing", "-s", S)
    assert got == code and err.splitlines()[-1] == message and "Traceback" not in err
    assert len(out.splitlines()) == 100  # what reached stdout was whole records
