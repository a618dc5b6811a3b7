"""Read a batch file (YAML or JSON, by extension) into a BatchSpec, with file, line and column on syntax errors."""

from __future__ import annotations

import os
from pathlib import Path

from agentic_synth.adapters.documents import YAML_SUFFIXES, read_by_suffix
from agentic_synth.domain.batch.spec import BatchSpec
from agentic_synth.domain.errors import UsageError


def read_batch_file(path: str | os.PathLike[str]) -> BatchSpec:
    """Parse and check a batch file; relative schema paths start at the file's folder."""
    file = Path(path)
    name = file.name
    if file.suffix.lower() not in (*YAML_SUFFIXES, ".json"):
        raise UsageError(f"{name}: a batch file must end in .yaml, .yml or .json")
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"batch file '{file}' not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read it: {exc}") from None
    payload = read_by_suffix(text, file, name)
    return BatchSpec.from_payload(payload, source=name, base_dir=str(file.resolve().parent))
