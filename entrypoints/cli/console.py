"""Console helpers for the CLI: stderr messages, the progress bar and the closing summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs

from agentic_synth.domain.config.display import escape_controls, mask_keys
from agentic_synth.domain.counts import counted, records_of
from agentic_synth.domain.generation.results import RunMetadata


@attrs.define
class Console:
    """Where the CLI talks to people: stderr, silenced by --quiet."""

    quiet: bool = False
    verbose: int = 0
    redact: Callable[[str], str] = str  # masks known keys in anything printed

    def shown(self, message: str) -> str:
        """A line fit for the terminal: known keys masked, control characters escaped.

        Key-shaped runs are not guessed at here: the CLI's own lines name streams, files and ids that look
        like tokens; outside text that reaches a line (a provider's error body, a config value) was masked
        where it entered (errors, adapters/providers/errors.py, the config file reader).
        """
        return escape_controls(self.redact(message))

    def info(self, message: str) -> None:
        if not self.quiet:
            _line(self.shown(message))

    def error(self, message: str) -> None:
        _line(f"error: {self.shown(message)}")

    @contextmanager
    def progress(self, total: int | None, label: str) -> Iterator[Callable[[int], None] | None]:
        """A progress bar when stderr is a terminal and not quiet; otherwise nothing at all."""
        if self.quiet or not sys.stderr.isatty():
            yield None
            return
        from rich.console import Console as RichConsole  # only for a terminal: rich's progress is slow to import
        from rich.progress import Progress

        from agentic_synth.entrypoints.cli.progress import record_columns

        stderr = RichConsole(file=sys.stderr)  # stdout is for data
        with Progress(*record_columns(label), transient=True, console=stderr) as bar:
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)


def _line(text: str) -> None:
    """One line to stderr in one write: print() writes the text and its newline apart, and an interrupt landing
    between them put the next line (`error: interrupted...`) at the end of this one."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def summary(meta: RunMetadata, *, written: bool = True) -> str:
    """One line: records, where they went, seconds, seed (and calls/cost when a model was used).

    `written` False: the run stopped and its output was discarded (the line says so, and still shows the spend).
    """
    where = "stdout" if meta.output in (None, "-") else mask_keys(str(meta.output))  # a key pasted as -o: masked
    line = (f"wrote {records_of(meta.records, meta.kind)} to {where} ({meta.format or 'jsonl'}) "
            f"in {meta.seconds:.2f}s, seed {meta.seed}") if written else \
        f"no output written ({meta.kind}, {meta.seconds:.2f}s, seed {meta.seed})"
    if meta.calls:
        line += (f"; {counted(meta.calls, 'call')}, {meta.tokens_in:,} tokens in, {meta.tokens_out:,} out, "
                 f"${meta.cost_usd:.4f}")
        if len(meta.models) > 1:
            line += " (" + ", ".join(f"{name}: {counted(m.calls, 'call')}, ${m.cost_usd:.4f}, "
                                     f"{counted(m.records, 'record')}" for name, m in meta.models.items()) + ")"
    if meta.dropped:
        line += f"; {counted(meta.dropped, 'invalid or duplicate record')} dropped"
    if meta.cache_hits or meta.cache_misses:
        line += (f"; cache: {counted(meta.cache_hits, 'hit')}, {counted(meta.cache_misses, 'miss')}, "
                 f"{counted(meta.cache_hits, 'call')} saved")
    return line
