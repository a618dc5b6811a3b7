"""The one error hierarchy, and the table of process exit codes (every error knows the code it maps to)."""

from __future__ import annotations

import enum
from typing import Any

from agentic_synth.domain.config.display import escape_controls, safe_text


class ExitCode(enum.IntEnum):
    """Every exit code of the `agentic-synth` command, in one place (docs/cli.md lists them)."""

    OK = 0
    FAILURE = 1  # data broke its schema, an integration failed, a batch job failed
    USAGE = 2  # bad options, schema or configuration
    PROVIDER = 3  # an AI provider failed after retries
    BUDGET = 4  # the spending cap stopped the run (records so far are kept)
    INCOMPLETE = 5  # fewer valid records than asked for (those made are kept)
    INTERNAL = 70  # a bug of ours (sysexits' EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT)


class AgenticSynthError(Exception):
    """Root of every error the project raises on purpose."""

    exit_code = ExitCode.FAILURE
    metadata: Any = None  # the RunMetadata of the run it ended (records, calls, tokens, cost), when one ran

    def __init__(self, message: str) -> None:
        message = escape_controls(message)  # names and values from outside act on no terminal (SDK users too)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(AgenticSynthError):
    """A command or call was given options that do not fit together."""

    exit_code = ExitCode.USAGE


class SchemaError(UsageError):
    """The user's schema is invalid; the message names the path."""

    def __init__(self, message: str, path: str = "") -> None:
        text = f"schema: {path}: {message}" if path else f"schema: {message}"
        super().__init__(text.replace("\n", "\\n").replace("\t", "\\t"))  # one line, though names hold newlines
        self.path = path


class ConfigError(UsageError):
    """The configuration file or settings are invalid.

    The message quotes configuration values, environment variables and names from the file, so a
    key pasted in the wrong place is masked and control characters are escaped (domain/config/display.py).
    """

    def __init__(self, message: str) -> None:
        super().__init__(safe_text(message))


class InvalidSetting(ConfigError):
    """A setting has a bad value; `key` is its camelCase path relative to the object that holds it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.detail = message


class DataValidationError(AgenticSynthError):
    """Data checked against a schema has violations."""

    exit_code = ExitCode.FAILURE


class ProviderError(AgenticSynthError):
    """An AI provider failed, after retries, in a way the user must know about."""

    exit_code = ExitCode.PROVIDER

    def __init__(self, message: str, *, provider: str = "", status: int | None = None,
                 retryable: bool = False, retry_after: float | None = None,
                 keeps_records: bool = False) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)
        self.keeps_records = keeps_records  # raised after valid records were made: write them


class BudgetExceeded(AgenticSynthError):
    """The spending cap stopped generation; valid records so far were kept.

    `spent` and `limit` are USD; the generation loop, which knows the record counts, ends
    the run with `final_message(written, requested)`.
    """

    exit_code = ExitCode.BUDGET
    keeps_records = True

    def __init__(self, message: str, *, spent: float | None = None, limit: float | None = None) -> None:
        super().__init__(message)
        self.spent = spent
        self.limit = limit

    @classmethod
    def stopped(cls, *, spent: float, limit: float, next_call: float) -> BudgetExceeded:
        """A call was refused because its worst case could pass the limit."""
        return cls(f"budget reached: ${spent:.4f} of ${limit:.4f} spent; the next call could cost up to "
                   f"${next_call:.4f}", spent=spent, limit=limit)

    def final_message(self, written: int, requested: int | None, *, spent: float | None = None) -> str:
        """`budget reached: $0.0994 of $0.1000 spent; 812 of 1000 records written`."""
        paid = self.spent if spent is None else spent
        of = f" of {requested:,}" if requested is not None else ""
        return (f"budget reached: ${paid or 0.0:.4f} of ${self.limit or 0.0:.4f} spent; {written:,}{of} "
                f"record{'' if written == 1 and requested is None else 's'} written")

    def with_records(self, written: int, requested: int | None, *, spent: float | None = None) -> BudgetExceeded:
        """The same stop, its message now telling how many records were written."""
        return BudgetExceeded(self.final_message(written, requested, spent=spent),
                              spent=self.spent if spent is None else spent, limit=self.limit)


class IncompleteGeneration(AgenticSynthError):
    """Fewer valid records than asked for could be produced; those that were are kept."""

    exit_code = ExitCode.INCOMPLETE
    keeps_records = True


class Interrupted(AgenticSynthError):
    """The user interrupted the run (Ctrl-C); whole records written so far are kept."""

    exit_code = ExitCode.INTERRUPTED


class IntegrationError(AgenticSynthError):
    """An optional integration (stream pipeline, vector store, workflow engine) failed while in use."""

    exit_code = ExitCode.FAILURE

    def __init__(self, message: str, *, integration: str = "") -> None:
        super().__init__(f"{integration}: {message}" if integration else message)
        self.integration = integration


EXIT_CODES: dict[type[AgenticSynthError], ExitCode] = {
    cls: cls.exit_code
    for cls in (AgenticSynthError, UsageError, SchemaError, ConfigError, InvalidSetting, DataValidationError,
                ProviderError, BudgetExceeded, IncompleteGeneration, Interrupted, IntegrationError)
}


def exit_code_for(error: AgenticSynthError) -> ExitCode:
    """The exit code of an error: the nearest class in the table."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return ExitCode.FAILURE
