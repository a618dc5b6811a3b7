"""`agentic-synth doctor [--online]`: versions, configuration, keys (masked), integrations, cache, providers."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Collection
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import attrs
import click

from agentic_synth.adapters.config_file import LoadedConfig
from agentic_synth.adapters.integrations.plugins import ENTRY_POINT_GROUP, INTEGRATION_MODULES, module_installed
from agentic_synth.adapters.reachability import check_provider
from agentic_synth.domain.config.settings import KNOWN_PROVIDERS
from agentic_synth.domain.counts import counted
from agentic_synth.domain.errors import AgenticSynthError
from agentic_synth.entrypoints.cache_control import CacheControl
from agentic_synth.entrypoints.integration_status import integration_rows

PACKAGES = ("click", "numpy", "pyarrow", "httpx", "openai", "google-generativeai", "dependency-injector")
# integration name in the config -> the module (and entry point name) that provides it
INTEGRATIONS = INTEGRATION_MODULES


@attrs.frozen
class Check:
    """One line of the report: `ok` None means information only (never a problem)."""

    label: str
    detail: str
    ok: bool | None = True


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


def _writable(path: Path) -> bool:
    """Can `path` be created or written: the nearest existing ancestor must be a writable directory."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def environment_checks() -> list[Check]:
    deps = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return [Check("python", f"{platform.python_version()} ({platform.python_implementation()})"),
            Check("agentic-synth", f"{_version('agentic-synth')} ({deps})",
                  ok=all(_version(name) != "missing" for name in PACKAGES))]


def config_checks(loaded: LoadedConfig, error: Exception | None) -> list[Check]:
    if error is not None:
        return [Check("config", str(error), ok=False)]
    checks = [Check("config", f"{loaded.path} (valid)" if loaded.path else "no .agentic-synth.json; built-in defaults"),
              Check(".env", str(loaded.env_file) if loaded.env_file else "none", ok=None)]
    settings = loaded.settings.resolved()
    for name in sorted(settings.providers):
        source = loaded.source_of(f"providers.{name}.apiKey")
        checks.append(Check(f"key {name}", f"{settings.key_for(name).masked()} ({source})", ok=None))
    return checks


def integration_checks(loaded: LoadedConfig, plugins: Collection[str] = ()) -> list[Check]:
    """Each integration is usable through an entry point of its name, or (ruvector) the PyPI package itself."""
    checks = []
    enabled = {"midstreamer": loaded.settings.integrations.midstreamer.enabled,
               "agenticRobotics": loaded.settings.integrations.agentic_robotics.enabled,
               "ruvector": loaded.settings.integrations.ruvector.enabled}
    for name, module in INTEGRATIONS.items():
        plugged = module in plugins
        importable = module_installed(module)
        found = plugged or (importable and name == "ruvector")
        if plugged:
            how = f"plugin ({ENTRY_POINT_GROUP}:{module})"
        elif found:
            how = "importable"
        elif importable:
            how = f"importable, but no '{module}' entry point in {ENTRY_POINT_GROUP}"
        else:
            how = "not installed"
        detail = f"{how} ({'enabled' if enabled[name] else 'disabled'})"
        checks.append(Check(f"integration {name}", detail, ok=False if enabled[name] and not found else None))
    shown = {"midstreamer", "agentic_robotics", "ruvector"}  # their plugins are in the lines above
    for name, role, status in integration_rows(plugins):  # built-in targets, extras, every other plugin
        if not (role == "plugin" and name in shown):
            checks.append(Check(f"{role} {name}", status, ok=None))
    return checks


def cache_checks(loaded: LoadedConfig, where: Path | None) -> list[Check]:
    """`where` is the directory `cache path` prints (the one runs use): None when off or in memory."""
    if not loaded.settings.cache.enabled:
        return [Check("cache", "disabled", ok=None)]
    if where is None:
        return [Check("cache", 'in memory only (persistPath is "")', ok=None)]
    ok = _writable(where)
    return [Check("cache directory", f"{where} {'is writable' if ok else 'is not writable'}", ok=ok)]


def online_checks(loaded: LoadedConfig) -> list[Check]:
    settings = loaded.settings.resolved()
    checks = []
    for name, provider in sorted(settings.providers.items()):
        key = settings.key_for(name)
        if name in KNOWN_PROVIDERS and not key.is_set:
            checks.append(Check(f"provider {name}", "skipped (no key)", ok=None))
            continue
        result = check_provider(provider, key)
        checks.append(Check(f"provider {name}", result.detail, ok=result.ok))
    return checks


@click.command()
@click.option("--online", is_flag=True, help="Also check that each configured provider answers (no tokens spent).")
@click.pass_context
def doctor(ctx: click.Context, online: bool) -> None:
    """Check the installation and configuration; exit 1 with a list of problems."""
    loaded: LoadedConfig = ctx.obj["container"].loaded_config()
    error = ctx.obj.get("config_error")
    checks = environment_checks() + config_checks(loaded, error)
    if error is None:
        plugins = ctx.obj["container"].integration_plugins()
        checks += integration_checks(loaded, plugins) + cache_checks(loaded, CacheControl(ctx.obj["container"]).path())
        if online:
            checks += online_checks(loaded)
    for check in checks:
        mark = {True: "ok", False: "FAIL", None: "-"}[check.ok]
        click.echo(f"{mark:<5} {check.label:<28} {check.detail}")
    problems = [check for check in checks if check.ok is False]
    if problems:
        click.echo(f"\n{len(problems)} problem{'s' if len(problems) > 1 else ''}:")
        for check in problems:
            click.echo(f"  - {check.label}: {check.detail}")
        sys.stdout.flush()  # the report, then the one line on stderr that says why the exit code is 1
        raise AgenticSynthError(f"doctor found {counted(len(problems), 'problem')}: "
                                f"{', '.join(check.label for check in problems)}")
    click.echo("\nall is well")
