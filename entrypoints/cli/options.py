"""Options shared by commands: the global ones (-q/-v/--config, accepted anywhere) and the routing flags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

# The group's own options that may also be written after the command (`generate structured ... -q`).
GLOBAL_FLAGS = ("-q", "--quiet", "-v", "--verbose")
GLOBAL_WITH_VALUE = ("--config",)


def _options_of(command: click.Command) -> dict[str, bool]:
    """Each option string of a command, and whether it takes a value."""
    table: dict[str, bool] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            takes = not param.is_flag and not param.count and param.nargs != 0
            table.update(dict.fromkeys([*param.opts, *param.secondary_opts], takes))
    return table


def _global(token: str, own: dict[str, bool]) -> int:
    """How many tokens a global option spans here (0: not a global option in this place)."""
    name = token.split("=", 1)[0]
    if name in own or (token.startswith("-v") and "-v" in own):
        return 0  # the command's own option of that name wins (`batch generate --config FILE`)
    if token in GLOBAL_FLAGS or (len(token) > 2 and token.strip("v") == "-"):  # -q, --verbose, -vv
        return 1
    if name in GLOBAL_WITH_VALUE:
        return 1 if "=" in token else 2
    return 0


def hoist_global_options(group: click.Group, args: Sequence[str]) -> list[str]:
    """`args` with the global options moved before the command, wherever they were written.

    The command line is walked the way click will parse it (subcommands resolved, option values
    skipped), so a value that looks like `-q` stays where it is; nothing after `--` moves.
    """
    ctx = click.Context(group, info_name=group.name, resilient_parsing=True)
    command: click.Command = group
    own = _options_of(group)
    hoisted: list[str] = []
    rest: list[str] = []
    tokens = list(args)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "--":
            rest.extend(tokens[i:])
            break
        span = _global(token, own) if command is not group and token.startswith("-") else 0
        if span:
            hoisted.extend(tokens[i:i + span])
            i += span
            continue
        rest.append(token)
        name = token.split("=", 1)[0]
        if token.startswith("-") and own.get(name) and "=" not in token and i + 1 < len(tokens):
            rest.append(tokens[i + 1])  # the option's value, whatever it looks like
            i += 1
        elif not token.startswith("-") and isinstance(command, click.Group):
            sub = command.get_command(ctx, token)
            if sub is not None:
                command, own = sub, _options_of(sub)
        i += 1
    return hoisted + rest


def routing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The routing and budget flags shared by `generate` and `estimate`."""
    for option in reversed((
        click.option("--auto-route", is_flag=True, default=None,
                     help="Let the strategy choose among all usable models (over per-kind defaults)."),
        click.option("--strategy", metavar="NAME", help="Routing strategy: cost, performance, quality, hybrid."),
        click.option("--fallback", metavar="A,B,C", help="Models to hand over to, in order, when one fails."),
        click.option("--budget", metavar="USD", help="Hard cap on model spending, in USD (e.g. 0.10)."),
    )):
        command = option(command)
    return command
