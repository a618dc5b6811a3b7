"""Read the JSON and YAML documents users give us (schemas, batch, dataset and config files): one `error:` line
naming the file, line and column for any text that does not parse, never an internal error."""

from __future__ import annotations

import errno
import functools
import json
from pathlib import Path, PurePath
from typing import Any

from agentic_synth.domain.errors import UsageError

YAML_SUFFIXES = (".yaml", ".yml")


@functools.cache
def _yaml_loader() -> Any:
    """A SafeLoader without implicit dates: `min: 2024-01-01` stays the text the schema parser reads."""
    import yaml  # imported when a YAML file is read, not at start-up

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def read_yaml(text: str, source: str, *, error: type[UsageError] = UsageError) -> Any:
    """Safe YAML (dates stay text); a syntax error names the source, line and column."""
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader without dates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise error(f"{source}: invalid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: invalid YAML: {exc}") from None
    except RecursionError:
        raise error(f"{source}: YAML nested too deeply to read") from None


def read_json(text: str, source: str, *, error: type[UsageError] = UsageError) -> Any:
    """JSON; a syntax error names the source, line and column; too deep or too long a number is one line too."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise error(f"{source}: JSON nested too deeply to read") from None
    except ValueError as exc:  # an integer over Python's digit limit
        raise error(f"{source}: unreadable JSON: {str(exc).split(';')[0]}") from None


def read_by_suffix(text: str, path: PurePath, source: str) -> Any:
    """YAML for a .yaml/.yml file, JSON otherwise."""
    if path.suffix.lower() in YAML_SUFFIXES:
        return read_yaml(text, source)
    return read_json(text, source)


def is_file(path: Path) -> bool:
    """`path.is_file()`, where a name no file system takes (a component over 255 bytes: Python raises
    "File name too long" for it) is a file that is not there."""
    try:
        return path.is_file()
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        return False
