"""A page's session: a temporary copy of the repository in which its blocks run in order, as a reader runs them.

`agentic-synth ...` commands run in this process (a fresh container each, as a new process would have);
anything else a shell line does (pipes, `cmp`, `mkfifo`, background jobs) runs in bash with this
interpreter's scripts first on PATH. Python blocks share one namespace per page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.docs.blocks import Block
from tests.docs.matching import explain, output_matches
from tests.docs.process import Timeout, deadline, environment, release_leftovers, terminal, working_directory
from tests.docs.servers import FakeServers
from tests.docs.services import Services, Unavailable

TIMEOUT = 60.0  # seconds a command or a Python block may take
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`*?]")
_INSTALL = re.compile(r"^(python3? -m venv \.venv|\.venv/bin/pip install .*)$")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>\w+)\1")
_PACKAGE_INSTALL = re.compile(r"\b(pip3?|-m pip|uv pip|pipx)\s+install\b|\bpython3? -m venv\b")


class DocFailure(AssertionError):
    """A block that does not run as written, or whose quoted output differs from the program's."""


@dataclass
class Ran:
    command: str
    code: int
    output: str


def split_and(command: str) -> list[str]:
    """`a && b 'x && y'` -> ['a', "b 'x && y'"]: split at `&&` outside quotes."""
    parts, quote, start, i = [], "", 0, 0
    while i < len(command):
        char = command[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif command.startswith("&&", i):
            parts.append(command[start:i].strip())
            start = i = i + 2
            continue
        i += 1
    return [*parts, command[start:].strip()]


def _in_process(argv: list[str]) -> list[str] | None:
    """The CLI arguments when `argv` runs agentic-synth itself."""
    if argv[:1] == ["agentic-synth"]:
        return argv[1:]
    if len(argv) >= 3 and argv[0] in ("python", "python3") and argv[1:3] == ["-m", "agentic_synth"]:
        return argv[3:]
    return None


class Session:
    """Runs one page's blocks in `root` (a copy of the repository); `main` is the CLI's `main(argv)`."""

    def __init__(self, root: Path, main: Callable[[list[str]], int],
                 fixture: Callable[[str], Any] | None = None) -> None:
        self.root = root
        self.cwd = root
        self.main = main
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.last: Ran | None = None
        self.groups: list[int] = []
        self.env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.block_env: dict[str, str] = {}  # what the block's `server` directives set (keys, base URLs)
        self.servers = FakeServers()
        self.services = Services(fixture or _no_fixtures)
        self.unavailable: list[str] = []  # blocks not run: the service they need is not here (and why)

    # --- blocks ------------------------------------------------------------------------------------

    def run(self, block: Block) -> None:
        marker = block.marker
        if marker.skip is not None:
            return
        self.block_env = {}
        for name in marker.servers:
            try:
                self.block_env.update(self.servers.variables(name))
            except ValueError as exc:
                raise self._failure(block, str(exc)) from None
        if marker.file is not None:
            return  # written by `files()` before the page's first block runs
        if marker.services:
            try:
                block = dataclasses.replace(block, text=self.services.rewrite(block.text, marker.services))
            except Unavailable as missing:
                self.unavailable.append(f"{block.where}: {missing}")
                return
            except ValueError as exc:
                raise self._failure(block, str(exc)) from None
        if block.kind == "shell":
            for command in self._commands(block):
                ran = self.command(command, interrupt_after=marker.interrupt_after)
                expected = 130 if marker.interrupt_after is not None else 0
                if ran.code != expected:
                    raise self._failure(block, f"`{command}` exited {ran.code} (expected {expected}):\n"
                                               f"{_indent(ran.output)}")
        elif block.kind == "console":
            self._console(block)
        elif block.kind == "python":
            self._python(block)
        elif marker.output:
            self._output(block)
        elif block.quotes_output():
            raise self._failure(block, "this block quotes what the program prints but nothing checks it: make it "
                                       "a ```console block, or mark it `<!-- docs-test: output of COMMAND -->`")

    def files(self, blocks: list[Block]) -> None:
        """Write the page's `file NAME` blocks first: a page may use a file it shows further down."""
        for block in blocks:
            if block.marker.file is not None and block.marker.skip is None:
                target = self.cwd / block.marker.file
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    text = self.servers.rewrite(block.text, block.marker.servers)
                except ValueError as exc:
                    raise self._failure(block, str(exc)) from None
                target.write_text(text, encoding="utf-8")

    def _commands(self, block: Block) -> list[str]:
        """The block's commands: a line each (`\\` continues it); a here-document belongs to its command."""
        commands: list[str] = []
        lines = iter(block.text.replace("\\\n", " ").splitlines())
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            command = line.strip()
            heredoc = _HEREDOC.search(command)
            if heredoc is not None:
                body = []
                for more in lines:
                    body.append(more)
                    if more.strip() == heredoc["word"]:
                        break
                command = "\n".join([command, *body])
            commands.append(command)
        return [self._installed(c) for c in commands] if block.marker.installed else commands

    @staticmethod
    def _installed(command: str) -> str:
        """`python3 -m venv .venv && .venv/bin/pip install ... && .venv/bin/X` -> `X` (the checkout is installed)."""
        steps = [step.strip() for step in command.split("&&")]
        kept = [step.removeprefix(".venv/bin/") for step in steps if not _INSTALL.match(step)]
        return " && ".join(kept) or "true"

    def _console(self, block: Block) -> None:
        pairs: list[tuple[str, list[str]]] = []
        for line in block.text.replace("\\\n", " ").splitlines():
            if line.startswith("$ "):
                pairs.append((line[2:].strip(), []))
            elif pairs:
                pairs[-1][1].append(line)
            elif line.strip():
                raise self._failure(block, f"a console block starts with a `$ ` command, not {line!r}")
        for command, expected in pairs:
            ran = self.command(self._installed(command) if block.marker.installed else command,
                               interrupt_after=block.marker.interrupt_after)
            if expected and not output_matches(expected, ran.output.splitlines()):
                raise self._failure(block, f"`{command}` printed something else\n"
                                           f"{explain(expected, ran.output.splitlines())}")
            if not expected and ran.code != 0:
                raise self._failure(block, f"`{command}` exited {ran.code}:\n{_indent(ran.output)}")

    def _output(self, block: Block) -> None:
        commands = block.marker.commands
        if commands:
            output = "".join(self.command(c).output for c in commands)
        elif self.last is not None:
            output = self.last.output
        else:
            raise self._failure(block, "'docs-test: output' with no command before it on the page: name one")
        expected = block.text.splitlines()
        if not output_matches(expected, output.splitlines()):
            raise self._failure(block, f"the quoted output differs\n{explain(expected, output.splitlines())}")

    def _python(self, block: Block) -> None:
        with environment({**self.env, **self.block_env}), working_directory(self.cwd), terminal() as captured:
            try:
                with deadline(TIMEOUT):
                    exec(compile(block.text, block.where, "exec", dont_inherit=True), self.namespace)
            except (Exception, Timeout) as exc:
                shown = "timed out" if isinstance(exc, Timeout) else "".join(
                    traceback.format_exception(exc)[-6:])
                raise self._failure(block, f"the Python block raised:\n{_indent(shown)}") from None
        self.last = Ran("(python block)", 0, captured.getvalue().decode("utf-8", "replace"))

    # --- commands ----------------------------------------------------------------------------------

    def command(self, command: str, *, interrupt_after: float | None = None) -> Ran:
        if "\n" in command:  # a here-document: bash reads it
            self.last = self._bash(command, interrupt_after)
            return self.last
        chain = split_and(command)
        if len(chain) > 1:  # `a && b`: each part as a command of its own, stopping at the first failure
            outputs = []
            for part in chain:
                ran = self.command(part, interrupt_after=interrupt_after)
                outputs.append(ran.output)
                if ran.code != 0:
                    break
            self.last = Ran(command, ran.code, "".join(outputs))
            return self.last
        argv = shlex.split(command, comments=True)
        if argv[:1] == ["cd"] and len(argv) == 2:  # the session's shell moves, as a terminal's would
            self.cwd = (self.cwd / argv[1]).resolve()
            self.last = Ran(command, 0 if self.cwd.is_dir() else 1, "")
            return self.last
        env = {}
        while argv and _ENV.match(argv[0]):
            name, _, value = argv.pop(0).partition("=")
            env[name] = value
        cli_args = _in_process(argv)
        if cli_args is not None and not _SHELL_SYNTAX.search(re.sub(r"'[^']*'", "", command)):
            ran = self._cli(command, cli_args, env, interrupt_after)
        elif command.strip() == "echo $?":
            ran = Ran(command, 0, f"{self.last.code if self.last else 0}\n")
        else:
            ran = self._bash(command, interrupt_after)
        self.last = ran
        return ran

    def _cli(self, command: str, args: list[str], env: dict[str, str], interrupt_after: float | None) -> Ran:
        with environment({**self.block_env, **env}), working_directory(self.cwd), terminal() as captured:
            try:
                with deadline(interrupt_after or TIMEOUT, interrupt=interrupt_after is not None):
                    code = self.main(args)
            except Timeout:
                code = -1
                print(f"(timed out after {TIMEOUT:.0f}s)", file=sys.stderr)
        return Ran(command, code, captured.getvalue().decode("utf-8", "replace"))

    def _bash(self, command: str, interrupt_after: float | None) -> Ran:
        if _PACKAGE_INSTALL.search(command):  # it would change the environment the tests run in
            return Ran(command, 126, "docs-test: not run: it installs packages (mark the block `installed` "
                                     "if it sets up .venv, else `skip REASON`)\n")
        with tempfile.TemporaryFile() as out:  # a file, not a pipe: a background job may keep it open
            process = subprocess.Popen(["bash", "-c", command], cwd=self.cwd,
                                       env={**os.environ, **self.env, **self.block_env}, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            self.groups.append(process.pid)
            try:
                if interrupt_after is not None:
                    time.sleep(interrupt_after)
                    os.killpg(process.pid, signal.SIGINT)
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                code = process.wait()
            out.seek(0)
            return Ran(command, code, out.read().decode("utf-8", "replace"))

    def close(self) -> None:
        """Stop whatever the page's shell lines left running in the background; collect what the page left
        (its Python namespace too: a client made in a block would otherwise be collected in a later test)."""
        self.namespace.clear()
        release_leftovers()
        for group in self.groups:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGTERM)
        self.servers.close()
        self.services.close()

    @staticmethod
    def _failure(block: Block, what: str) -> DocFailure:
        return DocFailure(f"{block.where} (```{block.language} block): {what}")


def _no_fixtures(name: str) -> Any:
    raise Unavailable(f"no test fixtures here to start {name}")


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.rstrip().splitlines()) or "    (nothing)"
