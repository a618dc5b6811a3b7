"""The docs runner itself: how quoted output is matched, what the markers mean, and what fails a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentic_synth.entrypoints.cli.main import main
from tests.docs.blocks import MarkError, read_blocks
from tests.docs.matching import output_matches
from tests.docs.session import DocFailure, Session


@pytest.mark.parametrize(("quoted", "printed", "same"), [
    (["wrote 5 events to stdout (jsonl) in 0.04s, seed 1"], ["wrote 5 events to stdout (jsonl) in 12.50s, seed 1"],
     True),
    (["wrote 5 events to stdout (jsonl) in 0.04s, seed 1"], ["wrote 6 events to stdout (jsonl) in 0.04s, seed 1"],
     False),
    (["first", "...", "last"], ["first", "a", "b", "last"], True),
    (["first", "...", "last"], ["first", "last"], True),
    (["first", "last"], ["first", "a", "last"], False),
    (["seed ..."], ["seed 12345"], True),
    (["a"], ["a", "b"], False),  # nothing may be left over
    (["", "a", ""], ["a"], True),  # blank lines around the block do not count
])
def test_quoted_output_matches_with_wildcards_and_durations_and_nothing_else(quoted, printed, same) -> None:
    assert output_matches(quoted, printed) is same


def _page(tmp_path: Path, text: str) -> list:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return read_blocks(page, tmp_path)


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- docs-test: skip -->\n```bash\nx\n```\n", "page.md:2: 'docs-test: skip' needs a reason"),
    ("<!-- docs-test: sometimes -->\n```bash\nx\n```\n", "page.md:2: unknown docs-test directive 'sometimes'"),
    ("<!-- docs-test: skip no model here -->\n\nsome prose\n```bash\nx\n```\n",
     "page.md:1: a docs-test marker must be on the line(s) right above a fence"),
])
def test_a_marker_that_cannot_be_honoured_is_an_error_naming_its_line(tmp_path, text, message) -> None:
    with pytest.raises(MarkError) as caught:
        _page(tmp_path, text)
    assert str(caught.value).startswith(message)


def _run(tmp_path: Path, text: str) -> Session:
    session = Session(tmp_path, main)
    try:
        blocks = _page(tmp_path, text)
        session.files(blocks)
        for block in blocks:
            session.run(block)
    finally:
        session.close()
    return session


@pytest.mark.parametrize(("text", "failure"), [
    ("```bash\nagentic-synth generate nope\n```\n",
     "page.md:1 (```bash block): `agentic-synth generate nope` exited 2 (expected 0):\n    error: unknown generator"),
    ("```text\nerror: something the program says\n```\n",
     "page.md:1 (```text block): this block quotes what the program prints but nothing checks it"),
    ("```console\n$ agentic-synth generate structured -n 1\nerror: something else\n```\n",
     "page.md:1 (```console block): `agentic-synth generate structured -n 1` printed something else"),
    ("```python\nassert 1 + 1 == 3\n```\n", "page.md:1 (```python block): the Python block raised:"),
])
def test_a_block_that_does_not_run_as_written_fails_naming_its_place(tmp_path, text, failure) -> None:
    with pytest.raises(DocFailure) as caught:
        _run(tmp_path, text)
    assert str(caught.value).startswith(failure)


def test_blocks_of_a_page_share_files_a_namespace_and_the_last_exit_code(tmp_path) -> None:
    _run(tmp_path, """
<!-- docs-test: file schema.json -->
```json
{"n": {"type": "integer", "min": 1, "max": 1}}
```

```console
$ agentic-synth -q generate structured -s schema.json -n 2 -o ones.jsonl && cat ones.jsonl
{"n":1}
{"n":1}
$ agentic-synth generate structured -s '{}'
error: schema: the schema has no fields
$ echo $?
2
```

```python
from pathlib import Path
rows = Path("ones.jsonl").read_text().splitlines()
```

```python
assert rows == ['{"n":1}', '{"n":1}']
```

<!-- docs-test: output of agentic-synth generate events -n 1 -s '{}' --seed 1 -->
```text
agentic-synth: no AI provider configured; using the built-in engine (offline, no API key needed)
{"timestamp":"..."}
wrote 1 event to stdout (jsonl) in 0.01s, seed 1
```

<!-- docs-test: skip it would need a GPU -->
```bash
agentic-synth generate structured --model a-model-nobody-has -n 5
```
""")


def test_a_package_install_is_refused_unless_the_block_is_marked_installed(tmp_path) -> None:
    with pytest.raises(DocFailure) as caught:
        _run(tmp_path, "```bash\npip install left-pad\n```\n")
    assert "it installs packages" in str(caught.value)
    _run(tmp_path, "<!-- docs-test: installed -->\n```bash\n"
                   "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/agentic-synth generators list\n"
                   "```\n")


def test_a_here_document_belongs_to_its_command(tmp_path) -> None:
    _run(tmp_path, """
```bash
cat > job.yaml <<'YAML'
n: 1
# a comment inside the document stays in the file
YAML
grep -c comment job.yaml
```
""")
    assert (tmp_path / "job.yaml").read_text() == "n: 1\n# a comment inside the document stays in the file\n"


def test_a_python_block_may_hand_its_stderr_to_a_child_process(tmp_path) -> None:
    session = _run(tmp_path, """
```python
import subprocess, sys
subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('from the child')"], stderr=sys.stderr, check=True)
```
""")
    assert session.last is not None and session.last.output == "from the child"


def test_a_service_block_gets_the_real_address_or_is_listed_as_not_run(tmp_path) -> None:
    addresses = {"redis_url": "redis://127.0.0.1:40001"}

    def fixture(name: str) -> str:
        if name not in addresses:
            pytest.skip(f"no {name} here")
        return addresses[name]

    session = Session(tmp_path, main, fixture)
    try:
        for block in _page(tmp_path, """
<!-- docs-test: service redis -->
```bash
echo 'redis://127.0.0.1:6379/orders?maxlen=10' > redis.txt
```

<!-- docs-test: service http://127.0.0.1:8080 -->
```bash
python -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8080/in', b'{}').status)" > status.txt
```

<!-- docs-test: service nats -->
```bash
touch nats-ran
```
"""):
            session.run(block)
    finally:
        session.close()
    assert (tmp_path / "redis.txt").read_text() == "redis://127.0.0.1:40001/orders?maxlen=10\n"
    assert (tmp_path / "status.txt").read_text() == "204\n"
    assert not (tmp_path / "nats-ran").exists()
    assert session.unavailable == ["page.md:13: no nats_url here"]
