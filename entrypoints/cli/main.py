"""The `agentic-synth` command: global options, error handling and exit codes."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from importlib.metadata import version

import click
from loguru import logger

from agentic_synth.domain.errors import AgenticSynthError, exit_code_for
from agentic_synth.entrypoints.cli.console import Console
from agentic_synth.entrypoints.cli.generate import generate
from agentic_synth.entrypoints.cli.generators import generators
from agentic_synth.entrypoints.cli.validate import validate
from agentic_synth.entrypoints.container import Container, build_container

USAGE_EXIT = 2
INTERNAL_EXIT = 70


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version("agentic-synth"), "--version", prog_name="agentic-synth")
@click.option("-q", "--quiet", is_flag=True, help="No progress, notices or summary on stderr.")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int) -> None:
    """Generate synthetic time series, event streams and structured records from a schema."""
    console = Console(quiet=quiet, verbose=verbose)
    ctx.obj["console"] = console
    level = "WARNING" if verbose == 0 else ("INFO" if verbose == 1 else "DEBUG")
    logger.remove()
    logger.add(sys.stderr, level=level, format="{level}: {message}")
    logger.enable("agentic_synth")


cli.add_command(generate)
cli.add_command(validate)
cli.add_command(generators)


def main(argv: Sequence[str] | None = None, *, container: Container | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 data failure, 2 usage/schema/config, ...)."""
    obj = {"container": container if container is not None else build_container()}
    console = Console()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="agentic-synth", obj=obj,
                 standalone_mode=False)
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


def run() -> None:
    """Console-script entry point."""
    gc.freeze()  # import-time objects live for the whole run: spare the cycle collector rescanning them
    sys.exit(main())
