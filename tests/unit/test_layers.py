"""The layer table of STYLE.md holds: each folder imports only what its layer may."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
ALLOWED_THIRD_PARTY = {
    "domain": {"attrs"},
    "application": {"attrs"},
}
ALLOWED_LAYERS = {
    "domain": {"domain"},
    "application": {"domain", "application"},
    "adapters": {"domain", "adapters"},
    "entrypoints": {"domain", "application", "adapters", "entrypoints",
                    "agentic_synth"},  # the package root: the launcher reads the signals it held (EARLY_SIGNALS)
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; use agentic_synth.<layer> absolute imports")
    return names


def _layer_files():
    for layer in ALLOWED_LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            yield layer, path


@pytest.mark.parametrize(("layer", "path"), list(_layer_files()), ids=lambda v: str(v))
def test_each_module_imports_only_what_its_layer_may(layer: str, path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "agentic_synth":
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else "agentic_synth"
            assert target in ALLOWED_LAYERS[layer], f"{path.relative_to(ROOT)} imports {name}"
        elif top not in STDLIB and layer in ALLOWED_THIRD_PARTY:
            assert top in ALLOWED_THIRD_PARTY[layer], f"{path.relative_to(ROOT)} imports {name}"


def test_every_package_folder_is_listed_for_installation() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for layer in ALLOWED_LAYERS:
        for init in (ROOT / layer).rglob("__init__.py"):
            dotted = ".".join(("agentic_synth", *init.parent.relative_to(ROOT).parts))
            assert f'"{dotted}"' in text, f"{dotted} is missing from [tool.setuptools] packages"


def test_the_distribution_claims_no_top_level_name_but_agentic_synth() -> None:
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert all(p == "agentic_synth" or p.startswith("agentic_synth.") for p in setup["packages"])
    assert all(k == "agentic_synth" or k.startswith("agentic_synth.") for k in setup["package-dir"])


def _calls(path: Path) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Call)]


@pytest.mark.parametrize("layer", ["domain", "application"])
def test_domain_and_application_import_nothing_behind_the_layer_checks_back(layer: str) -> None:
    for path in sorted((ROOT / layer).rglob("*.py")):
        for call in _calls(path):
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            assert name not in ("__import__", "import_module"), f"{path.relative_to(ROOT)}: dynamic import"


PORT_SUFFIXES = ("TextModel", "RecordSink", "ResponseCache", "Clock", "VectorStore", "StreamPipeline", "Embedder",
                 "WorkflowEngine")
# Where an adapter may build another: the sink factory the container hands out (a sink needs the
# run's path), and the persistent cache's in-memory stand-in when its file fails mid-run.
ADAPTER_FACTORIES = {"adapters/sinks/factory.py", "adapters/cache/sqlite.py"}


def test_only_entrypoints_construct_port_adapters() -> None:
    defined = {}
    for path in (ROOT / "adapters").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith(PORT_SUFFIXES):
                defined[node.name] = path
    assert "SystemClock" in defined and "ParquetRecordSink" in defined  # the walk sees the adapters
    for layer in ("domain", "application", "adapters"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            if path.relative_to(ROOT).as_posix() in ADAPTER_FACTORIES:
                continue
            for call in _calls(path):
                name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
                assert name not in defined or defined[name] == path, (
                    f"{path.relative_to(ROOT)}:{call.lineno} constructs {name}; build adapters in entrypoints")
