"""docs/cli.md names every command and every long option the CLI has."""

from __future__ import annotations

from pathlib import Path

import click

from agentic_synth.entrypoints.cli.main import cli

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):  # the top group imports its commands when asked for them
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, (*path, name))


def test_every_command_and_long_option_is_in_the_cli_reference() -> None:
    missing = []
    for path, command in _walk(cli):
        if path and f"`{path[-1]}" not in DOC and f" {path[-1]}" not in DOC:
            missing.append(" ".join(path))
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",) and opt not in DOC:
                    missing.append(f"{' '.join(path) or 'agentic-synth'} {opt}")
    assert missing == []


def test_every_option_of_generate_dataset_is_in_the_cli_reference() -> None:
    from agentic_synth.entrypoints.cli.dataset import generate_dataset

    assert "## `generate dataset" in DOC
    missing = [opt for param in generate_dataset.params for opt in getattr(param, "opts", [])
               if opt.startswith("--") and opt != "--help" and opt not in DOC]
    assert missing == []
