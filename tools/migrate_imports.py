"""Rewrite module paths moved by the `layout:` restructuring (issue 13) in the files given.

    python tools/migrate_imports.py FILE_OR_DIR ...

Dotted paths (`agentic_synth.domain.<old>`) and file paths (`domain/<old>.py`) are rewritten to their
new homes; names that moved to another module (Budget, the JSON-array sink) have their `from ...
import` lines split accordingly. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# old module -> new module (dotted, under agentic_synth.)
MOVES: dict[str, str] = {
    # domain: grouped by concept
    "domain.schema": "domain.schema.schema",
    "domain.fields": "domain.schema.fields",
    "domain.schema_parsing": "domain.schema.compact",
    "domain.schema_bounds": "domain.schema.bounds",
    "domain.json_schema": "domain.schema.json_schema",
    "domain.types": "domain.schema.types",
    "domain.validation": "domain.schema.validation",
    "domain.requests": "domain.generation.requests",
    "domain.records": "domain.generation.records",
    "domain.results": "domain.generation.results",
    "domain.generators": "domain.generation.generators",
    "domain.timeseries": "domain.generation.timeseries",
    "domain.events": "domain.generation.events",
    "domain.models": "domain.ai.models",
    "domain.catalog": "domain.ai.catalog",
    "domain.model_names": "domain.ai.model_names",
    "domain.routing": "domain.ai.routing",
    "domain.breaker": "domain.ai.breaker",
    "domain.cost": "domain.ai.cost",
    "domain.ledger": "domain.ai.ledger",
    "domain.ai_settings": "domain.ai.ai_settings",
    "domain.cache_keys": "domain.cache.keys",
    "domain.cache_settings": "domain.cache.settings",
    "domain.cache_stats": "domain.cache.stats",
    "domain.settings": "domain.config.settings",
    "domain.secrets": "domain.config.secrets",
    "domain.batch": "domain.batch.spec",
    "domain.batch_results": "domain.batch.results",
    # application: the TextModel wrappers together, the tee named for what it is
    "application.routing": "application.text_models.router",
    "application.caching": "application.text_models.cached",
    "application.budget": "application.text_models.budgeted",
    "application.dispatch": "application.text_models.dispatch",
    "application.integrations": "application.tee",
    # adapters: files named for what they hold
    "adapters.sinks.text": "adapters.sinks.jsonl",
    "adapters.sinks.csv_sink": "adapters.sinks.csv",
    "adapters.cache.persistent": "adapters.cache.sqlite",
    # entrypoints
    "entrypoints.routing": "entrypoints.model_stack",
}

# names that left their module: (new module of the old home, name) -> new module
NAME_MOVES: dict[tuple[str, str], str] = {
    ("domain.ai.cost", "Budget"): "domain.ai.budget",
    ("domain.ai.cost", "Reservation"): "domain.ai.budget",
    ("adapters.sinks.jsonl", "JsonArrayRecordSink"): "adapters.sinks.json_array",
}


def _dotted(text: str) -> str:
    for old, new in MOVES.items():
        # an old module that became a package: leave paths already inside the package alone
        inside = sorted({m[len(old) + 1:].split(".")[0] for m in (*MOVES.values(), *NAME_MOVES.values())
                         if m.startswith(old + ".")})
        guard = rf"(?!\.(?:{'|'.join(map(re.escape, inside))})(?![\w]))" if inside else ""
        text = re.sub(rf"(?<![\w.])agentic_synth\.{re.escape(old)}(?![\w]){guard}", f"agentic_synth.{new}", text)
    return text


def _paths(text: str) -> str:
    for old, new in MOVES.items():
        old_path, new_path = old.replace(".", "/") + ".py", new.replace(".", "/") + ".py"
        text = re.sub(rf"(?<![\w/]){re.escape(old_path)}", new_path, text)
    return text


_FROM = re.compile(r"^(?P<indent>[ \t]*)from agentic_synth\.(?P<mod>[\w.]+) import (?P<names>\([^)]*\)|[^\n]*)",
                   re.MULTILINE)


def _split_moved_names(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        mod, indent = match["mod"], match["indent"]
        raw = match["names"].strip()
        inner = raw[1:-1] if raw.startswith("(") else raw
        names = [n.strip() for n in inner.replace("\n", " ").split(",") if n.strip()]
        groups: dict[str, list[str]] = {}
        for name in names:
            target = NAME_MOVES.get((mod, name.split(" as ")[0].strip()), mod)
            groups.setdefault(target, []).append(name)
        if list(groups) == [mod]:
            return match.group(0)
        return "\n".join(f"{indent}from agentic_synth.{m} import {', '.join(ns)}" for m, ns in sorted(groups.items()))

    return _FROM.sub(fix, text)


def migrate(text: str) -> str:
    return _split_moved_names(_paths(_dotted(text)))


def main(argv: list[str]) -> int:
    files: list[Path] = []
    for arg in argv:
        path = Path(arg)
        files.extend(p for p in path.rglob("*") if p.suffix in {".py", ".md", ".toml", ".sh", ".ini", ".txt"}
                     and ".venv" not in p.parts) if path.is_dir() else files.append(path)
    files = [f for f in files if f.resolve() != Path(__file__).resolve()]
    changed = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = migrate(text)
        if new != text:
            file.write_text(new, encoding="utf-8")
            changed += 1
            print(f"migrated {file}")
    print(f"{changed} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
