"""Load `.agentic-synth.json`: discovery, `.env`, `${VAR}` substitution, precedence and sources."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from dotenv import dotenv_values

from agentic_synth.adapters.documents import is_file, read_json
from agentic_synth.adapters.serialization import structure, unstructure
from agentic_synth.domain.ai.builtin_providers import BUILTIN_PROVIDERS
from agentic_synth.domain.config.display import SECRET_NAME, looks_like_key, safe_text
from agentic_synth.domain.config.settings import Settings
from agentic_synth.domain.config.validators import camel_key
from agentic_synth.domain.errors import ConfigError

CONFIG_NAME = ".agentic-synth.json"
ENV_FILE = ".env"
DEFAULT_SOURCE = "default"
# Environment variables that set a value directly (they win over the file): name -> (path, type). Of
# several that set the same path, the first one set wins (GEMINI_API_KEY before GOOGLE_API_KEY).
ENV_OVERRIDES: dict[str, tuple[str, type]] = {
    **{name: (f"apiKeys.{camel_key(builtin.key_setting)}", str)
       for builtin in BUILTIN_PROVIDERS.values() for name in builtin.key_env},
    "AGENTIC_SYNTH_CACHE_ENABLED": ("cache.enabled", bool),
    "AGENTIC_SYNTH_CACHE_DIR": ("cache.persistPath", str),
    "AGENTIC_SYNTH_ROUTING_STRATEGY": ("models.routing.strategy", str),
    "AGENTIC_SYNTH_NOTICE": ("cli.notice", bool),
    "AGENTIC_SYNTH_GEMINI_BASE_URL": ("providers.gemini.baseUrl", str),
    "AGENTIC_SYNTH_OPENROUTER_BASE_URL": ("providers.openrouter.baseUrl", str),
}
_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@attrs.frozen
class LoadedConfig:
    """The Settings, where each value came from (dotted camelCase path -> source), and the files read."""

    settings: Settings
    sources: Mapping[str, str] = attrs.field(factory=dict)
    path: Path | None = None
    env_file: Path | None = None
    secret_values: tuple[str, ...] = ()  # what `${VAR}` of a secret-looking variable put outside apiKeys (masked)

    @classmethod
    def from_settings(cls, settings: Settings, source: str = DEFAULT_SOURCE) -> LoadedConfig:
        return cls(settings=settings, sources={key: source for key in flatten(unstructure(settings.resolved()))})

    def source_of(self, path: str) -> str:
        """Where the value at `path` came from; a built-in provider's key comes from `apiKeys`."""
        parts = path.split(".")
        if path not in self.sources and len(parts) == 3 and parts[0] == "providers" and parts[2] == "apiKey":
            builtin = BUILTIN_PROVIDERS.get(parts[1])
            if builtin is not None:
                return self.sources.get(f"apiKeys.{camel_key(builtin.key_setting)}", DEFAULT_SOURCE)
        return self.sources.get(path, DEFAULT_SOURCE)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects -> {'a.b.c': leaf}; lists and empty objects are leaves."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[leaf] = value


def _is_secret_path(path: str) -> bool:
    parts = path.split(".")
    return parts[0] == "apiKeys" or parts[-1] == "apiKey"


class _Substituter:
    """Replaces `${VAR}` / `${VAR:-default}` (and `$$` -> `$`) in every string, noting what it used."""

    def __init__(self, env: Mapping[str, str], from_dotenv: set[str], origin: str) -> None:
        self.env, self.from_dotenv, self.origin = env, from_dotenv, origin
        self.used: dict[str, list[str]] = {}
        self.secrets: list[str] = []  # values of secret-looking variables substituted into the file

    def layer(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The substituted data, and each leaf's source (the origin, plus the variables it used)."""
        out = self.walk(data, "")
        notes = {key: "".join(f" ({note})" for note in self.used.get(key, [])) for key in flatten(out)}
        return out, {key: self.origin + note for key, note in notes.items()}

    def walk(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return {k: self.walk(v, f"{path}.{k}" if path else k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, f"{path}.{i}") for i, v in enumerate(value)]
        if isinstance(value, str):
            return self.string(value, path)
        return value

    def string(self, text: str, path: str) -> str | None:
        unset: list[str] = []

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            name, default = match.group(1), match.group(2)
            note = f"${{{name}}}" + (" from .env" if name in self.from_dotenv else "")
            self.used.setdefault(path, []).append(note)
            if self.env.get(name):
                value = self.env[name]
                if SECRET_NAME.search(name) or looks_like_key(value):
                    self.secrets.append(value)
                return value
            if default is not None:
                return default
            unset.append(name)
            return ""

        result = _REF.sub(replace, text)
        if unset:
            if _is_secret_path(path):
                return None  # an unset key: that provider is unavailable, the engine still runs
            raise ConfigError(f"{self.origin}: {path}: environment variable '{unset[0]}' is not set "
                              f"(set it, or give a default: ${{{unset[0]}:-value}})")
        return result


def read_env(cwd: Path, environ: Mapping[str, str]) -> tuple[dict[str, str], set[str], Path | None]:
    """The environment with `.env` from `cwd` under it (the real environment wins), and the names `.env` gave."""
    env_path = cwd / ENV_FILE
    try:
        dotenv = {k: v for k, v in dotenv_values(env_path).items() if v is not None} if env_path.is_file() else {}
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{ENV_FILE}: {_unreadable(exc)}") from None
    return {**dotenv, **environ}, set(dotenv) - set(environ), env_path if env_path.is_file() else None


def _unreadable(exc: UnicodeDecodeError | OSError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    return f"cannot be read ({exc.strerror or type(exc).__name__})"


def _read(path: Path, origin: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{origin}: {_unreadable(exc)}") from None



def _env_value(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        if raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ConfigError(f"environment variable {name}: expected true or false, got '{raw}'")
    return raw


def discover(config_path: str | os.PathLike[str] | None, cwd: Path) -> tuple[Path | None, str]:
    """The file to read and how to name it in messages: --config PATH, else ./.agentic-synth.json, else none."""
    if config_path is not None:
        path = Path(config_path)
        if not path.is_absolute():
            path = cwd / path
        if not is_file(path):
            raise ConfigError(f"config file '{config_path}' not found")
        return path, str(config_path)
    found = cwd / CONFIG_NAME
    return (found, CONFIG_NAME) if is_file(found) else (None, "")


def load_config(config_path: str | os.PathLike[str] | None = None, *, payload: Mapping[str, Any] | None = None,
                payload_source: str = "AgenticSynth(config=...)", cwd: str | os.PathLike[str] | None = None,
                environ: Mapping[str, str] | None = None,
                flags: Mapping[str, tuple[Any, str]] | None = None) -> LoadedConfig:
    """Settings from defaults < config file < environment < `payload` (an SDK dict) < `flags` (path -> (value, flag)).

    `payload`, when given, replaces discovery of a file.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    env, from_dotenv, env_file = read_env(base, os.environ if environ is None else environ)
    path: Path | None = None
    layers: list[tuple[dict[str, Any], dict[str, str]]] = []  # lowest first: (data, path -> source)
    secrets: list[str] = []
    if payload is not None:
        origin = payload_source
    else:
        path, origin = discover(config_path, base)
        if path is not None:
            data = read_json(_read(path, origin), origin, error=ConfigError)
            if not isinstance(data, dict):
                raise ConfigError(f"{origin}: expected a JSON object at the top")
            substituter = _Substituter(env, from_dotenv, origin)
            layers.append(substituter.layer(data))
            secrets.extend(substituter.secrets)
    env_layer: dict[str, Any] = {}
    env_sources: dict[str, str] = {}
    for name, (key, kind) in ENV_OVERRIDES.items():
        if env.get(name) and key not in env_sources:
            _set(env_layer, key, _env_value(name, env[name], kind))
            env_sources[key] = f"env {name}" + (" (.env)" if name in from_dotenv else "")
    layers.append((env_layer, env_sources))
    if payload is not None:
        substituter = _Substituter(env, from_dotenv, origin)
        layers.append(substituter.layer(dict(payload)))
        secrets.extend(substituter.secrets)
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for layer, layer_sources in layers:
        merged = _merge(merged, layer)
        sources.update(layer_sources)
    for key, (value, flag) in (flags or {}).items():
        _set(merged, key, value)
        sources[key] = f"flag {flag}"
    try:
        settings = structure(merged, Settings, origin=_origin_for(sources, origin))
    except ConfigError as exc:  # a secret put where it does not belong is not quoted back
        exc.message = safe_text(exc.message, secrets)
        exc.args = (exc.message,)
        raise
    return LoadedConfig(settings=settings, sources=sources, path=path, env_file=env_file,
                        secret_values=tuple(secrets))


def _origin_for(sources: Mapping[str, str], fallback: str) -> Callable[[str], str]:
    def origin(path: str) -> str:
        source = sources.get(path, "")
        if source.startswith("env "):
            return "environment variable " + source.split()[1]
        if source.startswith("flag "):
            return source.split()[1]
        return fallback or "configuration"
    return origin


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_sdk_config(config: Any) -> LoadedConfig:
    """`AgenticSynth(config=...)`: None (discover ./.agentic-synth.json), a path, a dict or a Settings."""
    if config is None:
        return load_config()
    if isinstance(config, LoadedConfig):
        return config
    if isinstance(config, Settings):
        return LoadedConfig.from_settings(config, "AgenticSynth(config=Settings(...))")
    if isinstance(config, str | Path):
        return load_config(config)
    if isinstance(config, Mapping):
        return load_config(payload=config)
    raise ConfigError(f"config must be a path, a dict or a Settings, not {type(config).__name__}")
