"""agentic-synth: synthetic time series, event streams and structured records from a schema.

The public names are imported when first used (PEP 562), so `import agentic_synth` and the
command's start-up load only what a run needs. The library logs nothing unless asked
(`logger.enable("agentic_synth")`): the container, which every run goes through, disables it.
"""

import _signal  # the built-in module under `signal` (which costs an enum build): the first line must be instant
import sys as _sys

# The command's first moment (`agentic-synth ...`, `python -m agentic_synth`): a Ctrl-C or SIGTERM that
# arrives while this package and the launcher are still being imported is held here and delivered once the
# launcher's handler is in place (entrypoints/cli/launcher.py), so even the first milliseconds end as one
# line and exit 130. A program that imports the library keeps its own handlers: this runs only for the CLI.
EARLY_SIGNALS: list[int] = []
if _sys.argv[:1] == ["-m"] or _sys.argv[0].endswith(("agentic-synth", "agentic-synth.exe")):
    for _signum in (_signal.SIGINT, _signal.SIGTERM):
        _signal.signal(_signum, lambda signum, frame: EARLY_SIGNALS.append(signum))
del _signal, _sys

import importlib  # noqa: E402  (after the early handlers)
from typing import TYPE_CHECKING, Any  # noqa: E402

# public name -> the module that holds it
_HOMES = {
    "AgenticSynth": "agentic_synth.entrypoints.sdk",
    "Container": "agentic_synth.entrypoints.container",
    "build_container": "agentic_synth.entrypoints.container",
    "BatchResult": "agentic_synth.domain.batch.results",
    "JobOutcome": "agentic_synth.domain.batch.results",
    "CustomGenerator": "agentic_synth.domain.generation.generators",
    "Generator": "agentic_synth.domain.generation.generators",
    "OptionSpec": "agentic_synth.domain.generation.generators",
    "RecordChunk": "agentic_synth.domain.generation.records",
    "GenerationRequest": "agentic_synth.domain.generation.requests",
    "GenerationResult": "agentic_synth.domain.generation.results",
    "RunMetadata": "agentic_synth.domain.generation.results",
    "RecordSink": "agentic_synth.domain.ports",
    "Field": "agentic_synth.domain.schema.schema",
    "Schema": "agentic_synth.domain.schema.schema",
    "RecordValidator": "agentic_synth.domain.schema.validation",
    "Violation": "agentic_synth.domain.schema.validation",
    "validate_record": "agentic_synth.domain.schema.validation",
    "Secret": "agentic_synth.domain.config.secrets",
    "Settings": "agentic_synth.domain.config.settings",
    "DatasetResult": "agentic_synth.domain.dataset.results",
    **{name: "agentic_synth.domain.errors" for name in (
        "AgenticSynthError", "BudgetExceeded", "ConfigError", "DataValidationError", "IncompleteGeneration",
        "Interrupted", "ProviderError", "SchemaError", "UsageError")},
}

__all__ = [
    "AgenticSynth",
    "AgenticSynthError",
    "BatchResult",
    "BudgetExceeded",
    "ConfigError",
    "Container",
    "CustomGenerator",
    "DataValidationError",
    "DatasetResult",
    "Field",
    "GenerationRequest",
    "GenerationResult",
    "Generator",
    "IncompleteGeneration",
    "Interrupted",
    "JobOutcome",
    "OptionSpec",
    "ProviderError",
    "RecordChunk",
    "RecordSink",
    "RecordValidator",
    "RunMetadata",
    "Schema",
    "SchemaError",
    "Secret",
    "Settings",
    "UsageError",
    "Violation",
    "__version__",
    "build_container",
    "validate_record",
]


def __getattr__(name: str) -> "Any":
    if name == "__version__":
        from importlib.metadata import version

        globals()["__version__"] = version("agentic-synth")
        return globals()["__version__"]
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'agentic_synth' has no attribute '{name}'")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> "list[str]":
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from agentic_synth.domain.batch.results import BatchResult, JobOutcome
    from agentic_synth.domain.config.secrets import Secret
    from agentic_synth.domain.config.settings import Settings
    from agentic_synth.domain.dataset.results import DatasetResult
    from agentic_synth.domain.errors import (
        AgenticSynthError,
        BudgetExceeded,
        ConfigError,
        DataValidationError,
        IncompleteGeneration,
        Interrupted,
        ProviderError,
        SchemaError,
        UsageError,
    )
    from agentic_synth.domain.generation.generators import CustomGenerator, Generator, OptionSpec
    from agentic_synth.domain.generation.records import RecordChunk
    from agentic_synth.domain.generation.requests import GenerationRequest
    from agentic_synth.domain.generation.results import GenerationResult, RunMetadata
    from agentic_synth.domain.ports import RecordSink
    from agentic_synth.domain.schema.schema import Field, Schema
    from agentic_synth.domain.schema.validation import RecordValidator, Violation, validate_record
    from agentic_synth.entrypoints.container import Container, build_container
    from agentic_synth.entrypoints.sdk import AgenticSynth

    __version__: str
