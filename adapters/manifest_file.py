"""The manifest file of a sharded run: read it back, and rewrite it atomically (never half a manifest)."""

from __future__ import annotations

from pathlib import Path

import orjson

from agentic_synth.adapters.sinks.atomic import AtomicFile
from agentic_synth.domain.batch.manifest import Manifest
from agentic_synth.domain.errors import UsageError


def read_manifest(path: str | Path) -> Manifest | None:
    """The manifest at `path`, or None when there is none."""
    target = Path(path)
    if not target.is_file():
        return None
    try:
        payload = orjson.loads(target.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise UsageError(f"--resume: cannot read {target} ({exc})") from None
    return Manifest.from_payload(payload, str(target))


def write_manifest(path: str | Path, manifest: Manifest) -> None:
    """Write the whole manifest to a temporary file and rename it over the old one."""
    target = AtomicFile(path)
    target.handle.write(orjson.dumps(manifest.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    target.commit()
