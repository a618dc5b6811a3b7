"""Options named as the command line writes them (`--rate`, `-O diurnal`), for errors and their did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import click

from agentic_synth.domain.errors import AgenticSynthError
from agentic_synth.domain.generation.generators import UnknownOption
from agentic_synth.entrypoints.cli.dataset import GenerateCommand as DatasetDispatch


def flags_of(command: click.Command) -> dict[str, str]:
    """A command's options by name (`count`, `cache_policy`), each as its long flag (`--count`)."""
    out = {}
    for param in command.params:
        if isinstance(param, click.Option):
            long = max(param.opts, key=len)
            out[long.lstrip("-").replace("-", "_")] = long
    return out


class OptionSpelling:
    """How `generate` writes a generator's options: a flag when it has one (`--rate`), else `-O name`."""

    def __init__(self, command: click.Command, flagged: Collection[str]) -> None:
        self.flags = flags_of(command)
        self.flagged = frozenset(flagged)

    def __call__(self, name: str) -> str:
        return f"--{name.replace('_', '-')}" if name in self.flagged else f"-O {name}"

    def respell(self, exc: UnknownOption, typed_keys: Mapping[str, str]) -> UnknownOption:
        """The error as the user sees it: the option as typed (`-O diurnl`), suggestions among every flag."""
        typed = f"-O {typed_keys[exc.name]}" if exc.name in typed_keys else f"--{exc.name.replace('_', '-')}"
        others = {name: flag for name, flag in self.flags.items()  # not -O itself, nor other kinds' flags
                  if name != "option" and (name not in self.flagged or name in exc.takes or flag == typed)}
        return exc.spelled(self, others, typed=typed)

    def check_keys(self, kind: str, takes: Sequence[str], typed_keys: Mapping[str, str]) -> None:
        """Every `-O` key must be an option of the generator (`-O count=5` is not `--count 5`)."""
        for name in typed_keys:
            if name not in takes:
                raise self.respell(UnknownOption(name, kind, takes), typed_keys)


def kind_in(args: Sequence[str], registry: Any) -> str | None:
    """The generator named on a command line, if any (`generate -n 5 events ...` -> events)."""
    return next((arg for arg in args if not arg.startswith("-") and arg in registry), None)


class GenerateCommand(DatasetDispatch):
    """`generate`, whose unknown flags that are a generator's options say how to give them (`-O diurnal=...`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, list(args))
        except click.NoSuchOption as exc:
            hint = self._hint(ctx, exc.option_name, args)
            if hint:
                raise click.UsageError(f"No such option '{exc.option_name}'{hint}", ctx) from None
            raise

    def _hint(self, ctx: click.Context, flag: str, args: Sequence[str]) -> str | None:
        container = (ctx.obj or {}).get("container")
        if container is None:
            return None
        try:
            registry = container.registry()
            kind = kind_in(args, registry)
            generator = registry.get(kind) if kind is not None else None
        except AgenticSynthError:
            return None
        if generator is None:
            return None
        name = flag.lstrip("-").split("=", 1)[0].replace("-", "_")
        flags = flags_of(self)
        options = [option.name for option in generator.options if option.name not in flags]
        if name in options:
            return f": '{generator.type}' takes {name} as -O {name}=VALUE"
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.75)
        better = difflib.get_close_matches(name, list(flags), n=1, cutoff=0.75)
        return f" (did you mean -O {close[0]}=VALUE?)" if close and not better else None
