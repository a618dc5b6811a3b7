"""Batch files on disk: YAML or JSON by extension, syntax errors with line and column."""

from __future__ import annotations

import os

import pytest

from agentic_synth.adapters.batch_file import read_batch_file
from agentic_synth.domain.errors import UsageError

YAML_TEXT = """\
seed: 3
defaults:
  kind: structured
  schema: schemas/users.json
jobs:
  - name: a
    count: 5
  - {name: b, format: csv}
"""


def test_yaml_and_json_batch_files_give_the_same_jobs(tmp_path) -> None:
    (tmp_path / "b.yml").write_text(YAML_TEXT)
    (tmp_path / "b.json").write_text('{"seed": 3, "defaults": {"kind": "structured", "schema": "schemas/users.json"},'
                                     ' "jobs": [{"name": "a", "count": 5}, {"name": "b", "format": "csv"}]}')
    from_yaml, from_json = read_batch_file(tmp_path / "b.yml"), read_batch_file(tmp_path / "b.json")
    assert from_yaml.jobs == from_json.jobs and from_yaml.seed == 3
    assert from_yaml.jobs[0].schema == os.path.join(str(tmp_path.resolve()), "schemas/users.json")
    assert (from_yaml.source, from_json.source) == ("b.yml", "b.json")


@pytest.mark.parametrize(("name", "text", "message"), [
    ("b.yaml", "jobs:\n  - name: a\n   kind: x\n", "b.yaml: invalid YAML at line 3, column 4: expected <block end>"),
    ("b.json", '{"jobs": [}', "b.json: invalid JSON at line 1, column 11: "),
    ("b.toml", "jobs = []", "b.toml: a batch file must end in .yaml, .yml or .json"),
])
def test_a_batch_file_that_does_not_parse_is_an_error_with_its_place(tmp_path, name, text, message) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(UsageError) as caught:
        read_batch_file(tmp_path / name)
    assert str(caught.value).startswith(message)


def test_a_missing_batch_file_is_named(tmp_path) -> None:
    with pytest.raises(UsageError, match=r"batch file '.*nope\.yaml' not found"):
        read_batch_file(tmp_path / "nope.yaml")
