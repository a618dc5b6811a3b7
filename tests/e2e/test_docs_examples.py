"""Every fenced block of README.md and docs/*.md runs as written, and quoted output is what the program prints.

The convention (for everyone writing docs; also in docs/architecture.md, "Checks"):

1. Each page runs in its own temporary copy of the repository, from its root, blocks in page order.
   Blocks of a page share that directory (a later block may read an earlier block's files) and, for
   Python, one namespace (`synth` made in one block is there in the next). Keys are unset, and the
   response cache lives in a private directory.
2. ```bash (sh, shell) blocks: each line (`\\` continues it; `#` comments are ignored; a here-document
   belongs to its line) is a command that must exit 0. ```python blocks are executed; their `assert`s are their checks.
3. ```console blocks: a `$ ` line is a command; the lines after it, up to the next `$ `, are what it
   prints (stdout and stderr together, as in a terminal). A command with no lines after it must
   exit 0; `$ echo $?` prints the exit code of the command before.
4. In quoted output, `...` on a line of its own stands for any lines, inside a line for any text;
   durations such as `0.04s` match any duration. Everything else must match exactly.
5. Other blocks (json, yaml, toml, text, diagrams) are data and are not run. A data block that
   quotes the program (a line starting with `$ `, `error: `, `wrote ` or `agentic-synth: `) must be
   checked: put `<!-- docs-test: output of COMMAND -->` right above it (one command per line for
   several: their outputs are concatenated; plain `<!-- docs-test: output -->` means the output of the
   last command the page ran), or turn it into a console block.
6. A block that cannot run as written is marked on the line right above its fence (`;` joins several):
   - `<!-- docs-test: skip REASON -->`: it cannot run anywhere (a GPU server, the test suite itself,
     minutes of benchmark); REASON says why. Reviewers read these reasons.
   - `<!-- docs-test: server openrouter -->` (or `gemini`): it needs a model; the block runs against
     a local fake server (tests/docs/servers.py, from tests/servers/) speaking that provider's wire
     format, with its key and base URL set in the environment (`AGENTIC_SYNTH_OPENROUTER_BASE_URL`).
   - `<!-- docs-test: file NAME -->` on a data block (json, yaml, ...): the page's blocks read it as
     the file NAME (files are written before the first block runs, so a page may use one it shows
     further down). With `; server http://127.0.0.1:8000` added, that address in it is replaced by a
     local fake OpenAI-compatible server's (a config naming a server of your own);
     `server http://127.0.0.1:8001=503` is one that answers every call with that status (429: with
     `Retry-After: 20`), to show a failing or throttled provider.
   - `<!-- docs-test: service redis -->` (or `nats`, `postgres`): it needs that real server; the block
     runs against the one the test suite uses (tests/docs/services.py), its `redis://HOST:PORT` (or
     `nats://...`, `postgresql://...`) address replaced by the real one. Where that server cannot be
     had, the page runs the rest and is reported skipped naming the block (CI requires the servers).
     `service http://127.0.0.1:8080` is a local endpoint that takes every POST (an ingest API).
   - `<!-- docs-test: interrupt after 2s -->`: it runs until Ctrl-C; SIGINT comes after 2 s and the
     command must exit 130.
   - `<!-- docs-test: installed -->`: it creates `.venv` and installs into it; the installed checkout
     stands in for that (`python3 -m venv .venv` and `.venv/bin/pip install ...` are taken as done,
     `.venv/bin/X` runs X).
   A block that is not marked and does not run fails this test with a message saying how to mark it.
7. Keep examples small (counts of thousands, not millions) so the whole check stays quick.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentic_synth.entrypoints.cli.main import main
from tests.docs.blocks import HOW_TO_MARK, MarkError, read_blocks
from tests.docs.process import copy_repository, repository_files
from tests.docs.session import DocFailure, Session
from tests.postgres_server import postgres_url  # noqa: F401 - a fixture `service postgres` blocks use

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.fixture(scope="session")
def files() -> list[Path]:
    return repository_files(ROOT)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_of_the_page_runs_as_written(page: Path, files: list[Path], tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    try:
        blocks = read_blocks(page, ROOT)
    except MarkError as error:
        blocks, broken = [], f"{error}\n{HOW_TO_MARK}"
    else:
        broken = ""
    if broken:
        pytest.fail(broken, pytrace=False)
    session = Session(copy_repository(ROOT, files, tmp_path / "repo"), main, request.getfixturevalue)
    failures = []
    try:
        session.files(blocks)
        for block in blocks:
            try:
                session.run(block)
            except DocFailure as failure:
                failures.append(str(failure))
    finally:
        session.close()
    if failures:
        pytest.fail("\n\n".join([*failures, HOW_TO_MARK]), pytrace=False)
    if session.unavailable:
        pytest.skip("every other block ran as written; not run here: " + "; ".join(session.unavailable))
