"""--report PATH: checked before a run starts, written atomically as indented JSON after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from agentic_synth.adapters.sinks.atomic import check_name, file_target
from agentic_synth.domain.errors import UsageError


def check_report_path(report: str | None) -> None:
    if report is None:
        return
    try:
        check_name(Path(report))
    except UsageError as exc:
        raise UsageError(f"--report: {str(exc).removeprefix('output: ')}") from None
    if not Path(report).parent.is_dir():
        raise UsageError(f"--report: directory '{Path(report).parent}' does not exist")
    if Path(report).is_dir():
        raise UsageError(f"--report: '{report}' is a directory")


def write_report(path: str, report: dict[str, Any]) -> None:
    target = file_target(path)  # a device or FIFO is written through
    target.handle.write(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    target.commit()
