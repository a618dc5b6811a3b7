"""agentic-synth: synthetic time series, event streams and structured records from a schema."""

from __future__ import annotations

from importlib.metadata import version as _version

from loguru import logger

__version__ = _version("agentic-synth")

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

logger.disable("agentic_synth")

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
