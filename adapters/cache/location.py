"""Where the persistent response cache lives when the configuration does not say."""

from __future__ import annotations

import os
from pathlib import Path

from agentic_synth.domain.config.settings import CacheSettings

ENV_VAR = "AGENTIC_SYNTH_CACHE_DIR"


def default_cache_dir() -> Path:
    """$AGENTIC_SYNTH_CACHE_DIR, else $XDG_CACHE_HOME/agentic-synth, else ~/.cache/agentic-synth."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "agentic-synth"


def cache_dir(settings: CacheSettings) -> Path | None:
    """The directory of the persistent cache; None when the cache is off or kept in memory."""
    if settings.backend != "sqlite":
        return None
    return Path(settings.persist_path).expanduser() if settings.persist_path else default_cache_dir()
