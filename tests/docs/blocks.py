"""The fenced blocks of a Markdown page, each with the `<!-- docs-test: ... -->` marker right above it.

The convention itself is written at the top of tests/e2e/test_docs_examples.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RUN_LANGUAGES = {"bash": "shell", "sh": "shell", "shell": "shell", "console": "console", "python": "python",
                 "py": "python"}
# Lines that quote what the program prints: a data block holding one must be checked (or say why not).
QUOTES_OUTPUT = ("$ ", "error: ", "wrote ", "agentic-synth: ")
DIRECTIVES = ("skip", "output", "file", "installed", "interrupt", "server", "service")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_MARK = re.compile(r"<!--\s*docs-test:(?P<body>.*?)-->", re.S)
_AFTER = re.compile(r"^after\s+(\d+(?:\.\d+)?)\s*s$")

HOW_TO_MARK = """\
Fix the example so that it runs as written, or mark the block on the line right above its fence:
  <!-- docs-test: skip REASON -->            it cannot run anywhere; REASON says why (shown to reviewers)
  <!-- docs-test: server openrouter -->      it needs a model server: run it against the local fake server
  <!-- docs-test: service redis -->          it needs redis, nats, postgres (or an http:// endpoint): the real one
  <!-- docs-test: interrupt after 2s -->     it runs until Ctrl-C: send SIGINT after 2 s (exit 130 expected)
  <!-- docs-test: installed -->              it sets up .venv: the installed checkout stands in for it
  <!-- docs-test: output of COMMAND -->      (text block) the lines COMMAND prints, compared
  <!-- docs-test: file NAME -->              (data block) the page's later blocks read it as the file NAME
The convention is at the top of tests/e2e/test_docs_examples.py."""


class MarkError(ValueError):
    """A marker that cannot be honoured (unknown directive, a skip without a reason, nothing below it)."""


@dataclass
class Marker:
    """What the comment above a block asks for."""

    skip: str | None = None  # the reason
    output: bool = False
    commands: list[str] = field(default_factory=list)  # `output of` commands, one per line
    file: str | None = None  # a data block that later blocks read as this file
    installed: bool = False
    interrupt_after: float | None = None
    servers: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)  # redis, nats, postgres, http://HOST:PORT

    @classmethod
    def parse(cls, body: str, where: str) -> Marker:
        marker = cls()
        head, _, rest = body.strip().partition("\n")
        directives = [head] if head.startswith("skip") else head.split(";")  # a reason may hold a `;`
        for part in (p.strip() for p in directives if p.strip()):
            word, _, arg = part.partition(" ")
            arg = arg.strip()
            if word == "skip":
                if len(arg) < 8:
                    raise MarkError(f"{where}: 'docs-test: skip' needs a reason (why the block cannot run anywhere)")
                marker.skip = arg
            elif word == "output":
                marker.output = True
                command = arg.removeprefix("of").strip()
                marker.commands = [c.strip() for c in [command, *rest.splitlines()] if c.strip()]
                rest = ""
            elif word == "file" and arg:
                marker.file = arg
            elif word == "installed" and not arg:
                marker.installed = True
            elif word == "interrupt" and (after := _AFTER.match(arg)):
                marker.interrupt_after = float(after.group(1))
            elif word == "server" and arg:
                marker.servers += arg.replace(",", " ").split()
            elif word == "service" and arg:
                marker.services += arg.replace(",", " ").split()
            else:
                raise MarkError(f"{where}: unknown docs-test directive {part!r} (known: {', '.join(DIRECTIVES)})")
        if rest.strip():
            raise MarkError(f"{where}: only 'docs-test: output of' takes more lines")
        return marker


@dataclass
class Block:
    """One fenced block: where it is, its language, its text and its marker."""

    page: str
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    marker: Marker

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def kind(self) -> str:
        """shell, console, python, or data (json, yaml, text, diagrams: not run)."""
        return RUN_LANGUAGES.get(self.language, "data")

    def quotes_output(self) -> bool:
        return any(line.startswith(QUOTES_OUTPUT) for line in self.text.splitlines())


def read_blocks(path: Path, root: Path) -> list[Block]:
    """Every fenced block of a page, in order; a marker that is not right above a fence is an error."""
    lines = path.read_text(encoding="utf-8").splitlines()
    page = str(path.relative_to(root))
    blocks: list[Block] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        start = i
        body = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence) and not lines[i].strip().strip(fence[0])):
            line = lines[i]
            body.append(line[indent:] if not indent or line[:indent].isspace() else line.lstrip())
            i += 1
        marker, mark_line = _marker_above(lines, start, f"{page}:{start + 1}")
        if mark_line is not None:
            used.add(mark_line)
        language = (opening["info"].split() or [""])[0].lower()
        blocks.append(Block(page, start + 1, language, "\n".join(body) + "\n", marker))
        i += 1
    for number, line in enumerate(lines):
        if line.lstrip().startswith("<!--") and "docs-test:" in line and number not in used:
            raise MarkError(f"{page}:{number + 1}: a docs-test marker must be on the line(s) right above a fence")
    return blocks


def _marker_above(lines: list[str], fence: int, where: str) -> tuple[Marker, int | None]:
    """The `<!-- docs-test: ... -->` comment ending on the line just above the fence (it may span lines)."""
    end = fence - 1
    if end < 0 or not lines[end].rstrip().endswith("-->"):
        return Marker(), None
    start = end
    while start > 0 and "<!--" not in lines[start]:
        start -= 1
    found = _MARK.search("\n".join(lines[start:end + 1]))
    if found is None:
        return Marker(), None
    return Marker.parse(found["body"], where), start
