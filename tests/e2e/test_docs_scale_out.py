"""docs/scale-out.md: its console example runs from a copy of the repository root and holds."""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "scale-out.md").read_text(encoding="utf-8")


def test_the_console_example_runs_and_the_pieces_join_to_the_whole(run_cli, tmp_path, monkeypatch) -> None:
    shutil.copytree(ROOT / "examples" / "schemas", tmp_path / "examples" / "schemas")
    monkeypatch.chdir(tmp_path)
    block = DOC.split("```console", 1)[1].split("```", 1)[0].splitlines()
    checks = 0
    for i, line in enumerate(block):
        if line.startswith("$ agentic-synth "):
            code, _, err = run_cli(*shlex.split(line[2:])[1:])
            assert code == 0, f"{line}: {err}"
        elif line.startswith("$ cat "):
            match = re.fullmatch(r"\$ cat (.+) \| cmp - (\S+) && echo identical", line)
            assert match is not None and block[i + 1] == "identical"
            pieces = [p for pattern in match.group(1).split() for p in sorted(glob.glob(pattern))]
            assert len(pieces) >= 2
            assert b"".join(Path(p).read_bytes() for p in pieces) == Path(match.group(2)).read_bytes()
            checks += 1
    assert checks == 2
    assert len(list((tmp_path / "out" / "users").glob("part-*.jsonl"))) == 4
