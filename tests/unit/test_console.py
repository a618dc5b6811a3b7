"""The CLI console: a progress bar only on a terminal and not when quiet; a one-line summary."""

from __future__ import annotations

import io

import pytest

from agentic_synth.domain.generation.results import ModelUsage, RunMetadata
from agentic_synth.entrypoints.cli.console import Console, summary


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "quiet", "shown"), [(True, False, True), (True, True, False),
                                                     (False, False, False)])
def test_the_progress_bar_appears_on_stderr_only_on_a_terminal_without_quiet(monkeypatch, capsys, tty, quiet,
                                                                             shown) -> None:
    stream = FakeTerminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    with Console(quiet=quiet).progress(10, "generating") as advance:
        assert (advance is not None) == shown
        if advance is not None:
            advance(10)
    assert ("generating" in stream.getvalue()) == shown
    assert capsys.readouterr().out == ""  # never on stdout, where the data goes


def test_the_summary_is_one_line_with_records_destination_seconds_and_seed() -> None:
    meta = RunMetadata(kind="structured", mode="engine", seed=42, requested=1000, records=1000, seconds=0.5,
                       output="users.csv", format="csv")
    assert summary(meta) == "wrote 1,000 structured records to users.csv (csv) in 0.50s, seed 42"
    meta.models["gemini-2.0-flash"] = ModelUsage(calls=3, tokens_in=1200, tokens_out=3400, cost_usd=0.0123)
    meta.cache_hits, meta.output, meta.format = 2, None, None
    assert summary(meta) == ("wrote 1,000 structured records to stdout (jsonl) in 0.50s, seed 42; "
                             "3 calls, 1,200 tokens in, 3,400 out, $0.0123; cache: 2 hits, 0 misses, 2 calls saved")


def test_the_summary_says_call_for_one_call_and_calls_for_more() -> None:
    meta = RunMetadata(kind="structured", mode="llm", seed=1, requested=5, records=5, seconds=0.5)
    meta.models["m"] = ModelUsage(calls=1, tokens_in=10, tokens_out=20, cost_usd=0.001)
    assert "; 1 call, 10 tokens in" in summary(meta)
    meta.models["m"].calls = 2
    assert "; 2 calls, 10 tokens in" in summary(meta)


def test_each_line_reaches_stderr_in_one_write(monkeypatch) -> None:
    """Fuzz finding (interrupts): print() wrote a line and its newline apart; SIGINT between the two put
    `error: interrupted...` at the end of the engine notice, and the run's last line was no longer the error."""
    import sys

    class Recorder:
        def __init__(self) -> None:
            self.writes: list[str] = []

        def write(self, text: str) -> int:
            self.writes.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    recorder = Recorder()
    monkeypatch.setattr(sys, "stderr", recorder)
    Console().info("agentic-synth: a notice")
    Console().error("interrupted; no output written")
    assert recorder.writes == ["agentic-synth: a notice\n", "error: interrupted; no output written\n"]
