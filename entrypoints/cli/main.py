"""The `agentic-synth` command: global options (before or after the command), error handling and exit codes.

Each command's module is imported only when that command runs (or `--help` lists them), so
`--version` loads click and nothing else of weight.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click

from agentic_synth.domain.config.display import SECRET_NAME, safe_text
from agentic_synth.domain.config.secrets import Secret, redact
from agentic_synth.domain.errors import AgenticSynthError, ConfigError, ExitCode, exit_code_for
from agentic_synth.entrypoints.cli.options import hoist_global_options

# Commands that run (and report) even when the configuration does not load.
CONFIG_TOLERANT = ("doctor", "init")
# command name -> "module:attribute" of its click command
COMMANDS = {
    "batch": "agentic_synth.entrypoints.cli.batch:batch",
    "cache": "agentic_synth.entrypoints.cli.cache:cache",
    "config": "agentic_synth.entrypoints.cli.config:config_group",
    "doctor": "agentic_synth.entrypoints.cli.doctor:doctor",
    "estimate": "agentic_synth.entrypoints.cli.estimate:estimate_command",
    "generate": "agentic_synth.entrypoints.cli.generate:generate",
    "generators": "agentic_synth.entrypoints.cli.generators:generators",
    "init": "agentic_synth.entrypoints.cli.init:init",
    "integrations": "agentic_synth.entrypoints.cli.integrations:integrations",
    "mcp": "agentic_synth.entrypoints.cli.mcp:mcp",
    "models": "agentic_synth.entrypoints.cli.models:models",
    "validate": "agentic_synth.entrypoints.cli.validate:validate",
    "vectors": "agentic_synth.entrypoints.cli.vectors:vectors",
    "workflow": "agentic_synth.entrypoints.cli.workflow:workflow",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported when first looked up."""

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="agentic-synth", prog_name="agentic-synth")
@click.option("-q", "--quiet", is_flag=True, help="No progress, notices or summary on stderr (also after the command).")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (-vv for debug; also after the command).")
@click.option("--config", "config_path", metavar="PATH",
              help="Configuration file (default: ./.agentic-synth.json when present; also after the command).")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int, config_path: str | None) -> None:
    """Generate synthetic time series, event streams and structured records from a schema."""
    from loguru import logger

    from agentic_synth.adapters.config_file import load_config
    from agentic_synth.entrypoints.cli.console import Console
    from agentic_synth.entrypoints.container import build_container, configure

    if ctx.obj.get("container") is None:
        ctx.obj["container"] = build_container()  # here, not at start-up: --version and --help never need it
    container = ctx.obj["container"]
    console = Console(quiet=quiet, verbose=verbose, redact=lambda text: redact(text, known_secrets(container)))
    ctx.obj["console"] = console
    ctx.obj["config_path"] = config_path
    level = "WARNING" if verbose == 0 else ("INFO" if verbose == 1 else "DEBUG")
    logger.remove()

    def scrubbed(line: object) -> None:
        sys.stderr.write(safe_text(redact(str(line), known_secrets(container))))

    # Every line, tracebacks included, is scrubbed of known keys; no variable values in tracebacks.
    logger.add(scrubbed, level=level, format="{level}: {message}", diagnose=False, backtrace=False, colorize=False)
    logger.enable("agentic_synth")
    try:
        if config_path is None and container.pinned():
            return  # a container built with explicit settings (tests, embedding apps) keeps them
        loaded = load_config(config_path)
        configure(container, loaded)
        logger.debug("configuration: {} from {}", loaded.settings, loaded.path or "built-in defaults")
    except ConfigError as exc:
        if ctx.invoked_subcommand not in CONFIG_TOLERANT:
            raise
        ctx.obj["config_error"] = exc


def known_secrets(container: Any) -> list[Secret]:
    """The configured keys, the key variables of the environment (even when the config did not load), any
    variable whose name says it holds a secret, and the values `${VAR}` put into the configuration from them."""
    from agentic_synth.adapters.config_file import ENV_OVERRIDES

    from_env = [Secret(os.environ.get(name)) for name, (path, _) in ENV_OVERRIDES.items()
                if path.startswith("apiKeys.")]
    named = [Secret(value) for name, value in os.environ.items()
             if SECRET_NAME.search(name) and len(value) >= 8 and not value.startswith("/") and value.split() == [value]]
    settings = container.settings() if container is not None else None
    loaded = container.loaded_config() if container is not None else None
    substituted = [Secret(value) for value in getattr(loaded, "secret_values", ())]
    return [*(settings.secrets() if settings is not None else ()), *from_env, *named, *substituted]


def _error(obj: dict[str, Any], message: str) -> None:
    """One `error: ...` line on stderr, known keys masked."""
    secrets = known_secrets(obj.get("container"))
    print(f"error: {safe_text(redact(message, secrets))}", file=sys.stderr, flush=True)  # keys masked, escapes shown


def main(argv: Sequence[str] | None = None, *, container: Any = None) -> int:
    """Run the CLI; return the exit code (the table in domain/errors.py: 0 ok, 1 data failure, 2 usage...)."""
    obj: dict[str, Any] = {"container": container}
    try:
        args = hoist_global_options(cli, list(argv) if argv is not None else sys.argv[1:])
        result = cli.main(args=args, prog_name="agentic-synth", obj=obj, standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool):  # ctx.exit(code) returns it here
            return result
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:  # a bare group (`agentic-synth cache`): its help, as click does,
        exc.show()  # then the one line that says why the exit code is 2
        group = exc.ctx.command if exc.ctx is not None else cli
        names = group.list_commands(exc.ctx) if isinstance(group, click.Group) and exc.ctx is not None else []
        path = exc.ctx.command_path if exc.ctx is not None else "agentic-synth"
        _error(obj, f"{path}: name a command ({', '.join(names)})")
        return ExitCode.USAGE
    except click.ClickException as exc:
        _error(obj, exc.format_message().replace("\n", " "))
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        _error(obj, "interrupted")
        return ExitCode.INTERRUPTED
    except AgenticSynthError as exc:
        _error(obj, str(exc).replace("\n", " "))
        if exit_code_for(exc) != ExitCode.USAGE:  # bad input is the line above; -v adds no traceback to it
            _details(obj, exc, "debug", "details")
        return exit_code_for(exc)
    except BrokenPipeError:
        return ExitCode.OK
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:  # any other is ours to explain
            return _internal(obj, exc)
        name = str(exc.filename or "")  # a path the user gave no file system takes: bad input, wherever it met us
        _error(obj, f"'{name[:40]}…': a file name too long for the file system (at most 255 bytes a name)")
        return ExitCode.USAGE
    except Exception as exc:  # a bug of ours: still one line, details with -v
        return _internal(obj, exc)
    finally:
        if obj.get("container") is not None:
            obj["container"].shutdown_resources()  # the providers' HTTP clients, closed (connected again if used)
        if "loguru" in sys.modules:
            sys.modules["loguru"].logger.disable("agentic_synth")
    return ExitCode.OK


def _internal(obj: dict[str, Any], exc: Exception) -> int:
    _error(obj, f"internal error: {type(exc).__name__}: {exc} (please report; -v shows details)")
    _details(obj, exc, "error", "traceback")
    return ExitCode.INTERNAL


def _details(obj: dict[str, Any], exc: BaseException, level: str, what: str) -> None:
    """The traceback, scrubbed, when -v was given."""
    console = obj.get("console")
    if console is not None and console.verbose:
        from loguru import logger

        getattr(logger.opt(exception=exc), level)(what)
