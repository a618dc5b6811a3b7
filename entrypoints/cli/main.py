"""The `agentic-synth` command: global options, error handling and exit codes."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Sequence
from importlib.metadata import version

import click
from loguru import logger

from agentic_synth.adapters.config_file import ENV_OVERRIDES, load_config
from agentic_synth.application.interrupts import request_stop
from agentic_synth.domain.config.display import SECRET_NAME, safe_text
from agentic_synth.domain.config.secrets import Secret, redact
from agentic_synth.domain.errors import AgenticSynthError, ConfigError, exit_code_for
from agentic_synth.entrypoints.cli.batch import batch
from agentic_synth.entrypoints.cli.cache import cache
from agentic_synth.entrypoints.cli.config import config_group
from agentic_synth.entrypoints.cli.console import Console
from agentic_synth.entrypoints.cli.doctor import doctor
from agentic_synth.entrypoints.cli.estimate import estimate_command
from agentic_synth.entrypoints.cli.generate import generate
from agentic_synth.entrypoints.cli.generators import generators
from agentic_synth.entrypoints.cli.init import init
from agentic_synth.entrypoints.cli.integrations import integrations
from agentic_synth.entrypoints.cli.mcp import mcp
from agentic_synth.entrypoints.cli.models import models
from agentic_synth.entrypoints.cli.validate import validate
from agentic_synth.entrypoints.cli.vectors import vectors
from agentic_synth.entrypoints.cli.workflow import workflow
from agentic_synth.entrypoints.container import Container, build_container, configure

USAGE_EXIT = 2
INTERNAL_EXIT = 70
# Commands that run (and report) even when the configuration does not load.
CONFIG_TOLERANT = ("doctor", "init")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version("agentic-synth"), "--version", prog_name="agentic-synth")
@click.option("-q", "--quiet", is_flag=True, help="No progress, notices or summary on stderr.")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (-vv for debug).")
@click.option("--config", "config_path", metavar="PATH",
              help="Configuration file (default: ./.agentic-synth.json when present).")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int, config_path: str | None) -> None:
    """Generate synthetic time series, event streams and structured records from a schema."""
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
        if config_path is None and container.config.pinned():
            return  # a container built with explicit settings (tests, embedding apps) keeps them
        loaded = load_config(config_path)
        configure(container, loaded)
        logger.debug("configuration: {} from {}", loaded.settings, loaded.path or "built-in defaults")
    except ConfigError as exc:
        if ctx.invoked_subcommand not in CONFIG_TOLERANT:
            raise
        ctx.obj["config_error"] = exc


cli.add_command(generate)
cli.add_command(validate)
cli.add_command(generators)
cli.add_command(init)
cli.add_command(config_group)
cli.add_command(doctor)
cli.add_command(models)
cli.add_command(estimate_command)
cli.add_command(cache)
cli.add_command(batch)
cli.add_command(vectors)
cli.add_command(integrations)
cli.add_command(workflow)
cli.add_command(mcp)


def known_secrets(container: Container) -> list[Secret]:
    """The configured keys, the key variables of the environment (even when the config did not load), any
    variable whose name says it holds a secret, and the values `${VAR}` put into the configuration from them."""
    from_env = [Secret(os.environ.get(name)) for name, (path, _) in ENV_OVERRIDES.items()
                if path.startswith("apiKeys.")]
    named = [Secret(value) for name, value in os.environ.items()
             if SECRET_NAME.search(name) and len(value) >= 8 and not value.startswith("/") and value.split() == [value]]
    loaded = container.loaded_config()
    substituted = [Secret(value) for value in getattr(loaded, "secret_values", ())]
    return [*container.settings().secrets(), *from_env, *named, *substituted]


def main(argv: Sequence[str] | None = None, *, container: Container | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 data failure, 2 usage/schema/config, ...)."""
    obj = {"container": container if container is not None else build_container()}
    console = Console(redact=lambda text: redact(text, known_secrets(obj["container"])))
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="agentic-synth", obj=obj,
                          standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool):  # ctx.exit(code) returns it here
            return result
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        console.error(exc.format_message().replace("\n", " "))
        return USAGE_EXIT if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Abort:
        console.error("interrupted")
        return 130
    except AgenticSynthError as exc:
        console.error(str(exc).replace("\n", " "))
        if obj.get("console") is not None and obj["console"].verbose:
            logger.opt(exception=exc).debug("details")
        return exit_code_for(exc)
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line, details with -v
        console.error(f"internal error: {type(exc).__name__}: {exc} (please report; -v shows details)")
        if obj.get("console") is not None and obj["console"].verbose:
            logger.opt(exception=exc).error("traceback")
        return INTERNAL_EXIT
    finally:
        logger.disable("agentic_synth")
    return 0


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (`kill PID`, a container stopping) ends a run the way Ctrl-C does: whole files only.

    The request is also remembered (application/interrupts.py): a KeyboardInterrupt that is lost on its
    way still stops the run after the chunk being written, and one during a write lets it finish."""
    if request_stop():
        raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point."""
    gc.freeze()  # import-time objects live for the whole run: spare the cycle collector rescanning them
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _terminated)
    sys.exit(main())
