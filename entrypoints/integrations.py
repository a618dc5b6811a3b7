"""The integrations of a container: chosen from config `integrations.*`, installed plugins and run options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from loguru import logger

from agentic_synth.adapters.integrations.hashing_embedder import HashingEmbedder
from agentic_synth.adapters.integrations.jsonl_stream import JsonlStreamPipeline
from agentic_synth.adapters.integrations.null import NullStreamPipeline, NullVectorStore, NullWorkflowEngine
from agentic_synth.adapters.integrations.plugins import ENTRY_POINT_GROUP, Factory
from agentic_synth.adapters.integrations.ruvector import RuvectorVectorStore, is_ruvector_db, ruvector_installed
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore, is_sqlite_file
from agentic_synth.adapters.integrations.workflows import InProcessWorkflowEngine
from agentic_synth.adapters.serialization import unstructure
from agentic_synth.domain.config.integrations import IntegrationsSettings, MidstreamerSettings, RuvectorSettings
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.ports import StreamPipeline, VectorStore, WorkflowEngine

DEFAULT_LOCAL_DB = "./data/vectors.sqlite"  # the built-in local store's file (not a setting)
DEFAULT_RUVECTOR_DB = str(attrs.fields(RuvectorSettings).db_path.default)  # the settings' defaults
DEFAULT_PIPELINE = str(attrs.fields(MidstreamerSettings).default_pipeline.default)
STREAM_BUILTINS = ("jsonl", "stdout")
STORE_BUILTINS = ("local",)
# config name -> IntegrationsSettings attribute
_ATTRIBUTES = {"midstreamer": "midstreamer", "agenticRobotics": "agentic_robotics", "ruvector": "ruvector"}


def split_spec(spec: str, flag: str) -> tuple[str, str | None]:
    """`NAME[:TARGET]` -> (name, target or None)."""
    name, sep, target = str(spec).partition(":")
    if not name:
        raise UsageError(f"{flag}: expected NAME[:TARGET], got '{spec}'")
    return name, (target if sep else None)



def default_embedder(embedder: Any = None) -> Any:
    """The embedder a vector store uses: the caller's, else the built-in HashingEmbedder (offline)."""
    return embedder if embedder is not None else HashingEmbedder()

class Integrations:
    """Stream pipeline, vector store and workflow engine of one container (built lazily, replaceable).

    Configured ones come from `integrations.*` (null adapters when disabled or not installed,
    with the reason kept); per-run ones are opened from `--stream-to NAME[:TARGET]` and
    `--vectorize-with NAME[:PATH]`, and fail with a clear error when what is named is missing.
    """

    def __init__(self, settings: IntegrationsSettings, plugins: Mapping[str, Factory]) -> None:
        self._settings = settings
        self._plugins = dict(plugins)
        self._pipeline: StreamPipeline | None = None
        self._store: VectorStore | None = None
        self._engine: WorkflowEngine | None = None
        self.local_workflows = InProcessWorkflowEngine()
        self._wanted: set[str] = set()  # enabled in code (enable_midstreamer, enable_ruvector)

    def _section(self, name: str) -> dict[str, Any]:
        """`integrations.<name>` in the file's camelCase shape: the options a plugin's factory is given."""
        section: dict[str, Any] = unstructure(getattr(self._settings, _ATTRIBUTES[name]))
        return section

    def enabled(self, name: str) -> bool:
        """Is `integrations.<name>.enabled` set (midstreamer, agenticRobotics, ruvector)."""
        return name in self._wanted or bool(getattr(self._settings, _ATTRIBUTES[name]).enabled)

    def ruvector_path(self) -> str | None:
        return self._settings.ruvector.db_path or None

    def _pipeline_name(self) -> str:
        return self._settings.midstreamer.default_pipeline or DEFAULT_PIPELINE

    # --- configured (long-lived) ---------------------------------------------------------------

    def stream_pipeline(self) -> StreamPipeline:
        if self._pipeline is None:
            if not self._settings.midstreamer.enabled:
                self._pipeline = NullStreamPipeline("integrations.midstreamer is not enabled")
            else:
                self._pipeline = self.midstreamer(self._pipeline_name(), strict=False)
        return self._pipeline

    def vector_store(self) -> VectorStore:
        if self._store is None:
            if not self._settings.ruvector.enabled:
                self._store = NullVectorStore("integrations.ruvector is not enabled")
            else:
                self._store = self.ruvector(self.ruvector_path() or DEFAULT_RUVECTOR_DB, strict=False)
        return self._store

    def workflow_engine(self) -> WorkflowEngine:
        if self._engine is None:
            if not self._settings.agentic_robotics.enabled:
                self._engine = NullWorkflowEngine("integrations.agenticRobotics is not enabled")
            elif "agentic_robotics" not in self._plugins:
                reason = (f"integrations.agenticRobotics is enabled but no 'agentic_robotics' entry point is "
                          f"installed in group {ENTRY_POINT_GROUP}; workflows run in this process")
                logger.warning(reason)
                self._engine = NullWorkflowEngine(reason)
            else:
                self._engine = self._build("agentic_robotics", self._section("agenticRobotics"), WorkflowEngine,
                                           "workflow engine")
        return self._engine

    def enable_stream_pipeline(self, pipeline: Any, name: str = "midstreamer") -> StreamPipeline:
        """Make `pipeline` (a StreamPipeline, or a midstreamer pipeline name) the one `to_pipeline=True` runs use."""
        self._wanted.add(name)
        if isinstance(pipeline, str) or pipeline is None:
            pipeline = self.midstreamer(pipeline or self._pipeline_name(), strict=False)
        self._pipeline = _checked(pipeline, StreamPipeline, "stream pipeline", "pipeline")
        return self._pipeline

    def enable_vector_store(self, store: VectorStore, name: str = "ruvector") -> VectorStore:
        """Make `store` the one `vectorize=True` runs and `vector_search` use."""
        self._wanted.add(name)
        self._store = _checked(store, VectorStore, "vector store", "store")
        return self._store

    def use_run_pipeline(self, pipeline: Any) -> StreamPipeline:
        """A caller's own pipeline object for one run (checked, not kept)."""
        checked: StreamPipeline = _checked(pipeline, StreamPipeline, "stream pipeline", "stream_to")
        return checked

    def use_run_store(self, store: Any) -> VectorStore:
        """A caller's own store object for one run (checked, not kept)."""
        checked: VectorStore = _checked(store, VectorStore, "vector store", "vectorize_with")
        return checked

    # --- named adapters ------------------------------------------------------------------------

    def midstreamer(self, pipeline: str, *, strict: bool) -> StreamPipeline:
        """The midstreamer plugin's pipeline; without the plugin, an error (strict) or a null pipeline."""
        if "midstreamer" not in self._plugins:
            reason = (f"midstreamer is not installed (no 'midstreamer' entry point in group {ENTRY_POINT_GROUP}; "
                      "see docs/integrations.md)")
            if strict:
                raise UsageError(f"--stream-to midstreamer: {reason}; stream to a file or named pipe with "
                                 "--stream-to jsonl:PATH")
            logger.warning("{}: records are not streamed", reason)
            return NullStreamPipeline(reason)
        options = {**self._section("midstreamer"), "pipeline": pipeline}
        return self._build("midstreamer", options, StreamPipeline, "stream pipeline")

    def ruvector(self, path: str, *, strict: bool, embedder: Any = None) -> VectorStore:
        """ruvector at `path`: an installed `ruvector` entry point, else the built-in adapter of the PyPI package."""
        if "ruvector" in self._plugins:
            return self._build("ruvector", {"dbPath": path, "embedder": embedder}, VectorStore, "vector store")
        if not ruvector_installed():
            reason = "the ruvector package is not installed (pip install 'agentic-synth[ruvector]')"
            if strict:
                raise UsageError(f"--vectorize-with ruvector: {reason}; or store locally with "
                                 "--vectorize-with local:PATH")
            logger.warning("{}: records are not vectorized", reason)
            return NullVectorStore(reason)
        store = RuvectorVectorStore(path, default_embedder(embedder))
        store.count()  # an unreadable collection or another embedder's vectors fail now, before any output
        return store

    def open_stream(self, spec: str) -> StreamPipeline:
        """`--stream-to NAME[:TARGET]`: midstreamer[:PIPELINE], jsonl:PATH (file, named pipe, '-'), stdout, a plugin."""
        name, target = split_spec(spec, "--stream-to")
        if name == "midstreamer":
            return self.midstreamer(target or self._pipeline_name(), strict=True)
        if name == "jsonl":
            return JsonlStreamPipeline(target or "")
        if name == "stdout":
            return JsonlStreamPipeline("-")
        if name in self._plugins:
            return self._build(name, {"target": target}, StreamPipeline, "stream pipeline")
        raise UsageError(f"--stream-to: unknown target '{name}' (use midstreamer[:PIPELINE], jsonl:PATH, stdout"
                         f"{_installed(self._plugins)})")

    def open_store(self, spec: str, embedder: Any = None) -> VectorStore:
        """`--vectorize-with NAME[:PATH]`: ruvector[:PATH], local[:PATH] (SQLite), or a plugin."""
        name, path = split_spec(spec, "--vectorize-with")
        if name == "ruvector":
            return self.ruvector(path or self.ruvector_path() or DEFAULT_RUVECTOR_DB,
                                 strict=True, embedder=embedder)
        if name == "local":
            store = SqliteVectorStore(path or DEFAULT_LOCAL_DB, default_embedder(embedder))
            store.count()  # not an SQLite file, or another embedder's vectors: fail before any output
            return store
        if name in self._plugins:
            return self._build(name, {"dbPath": path, "embedder": embedder}, VectorStore, "vector store")
        raise UsageError(f"--vectorize-with: unknown store '{name}' (use ruvector[:PATH], local[:PATH]"
                         f"{_installed(self._plugins)})")

    def open_db(self, spec: str, embedder: Any = None) -> VectorStore:
        """`vectors search --db [NAME:]PATH`: a path alone is recognised by its files (SQLite or ruvector)."""
        name, rest = split_spec(spec, "--db")
        if rest is not None and (name in ("ruvector", "local") or name in self._plugins):
            return self.open_store(spec, embedder)
        if is_sqlite_file(spec):
            return self.open_store(f"local:{spec}", embedder)
        if is_ruvector_db(spec):
            return self.open_store(f"ruvector:{spec}", embedder)
        raise UsageError(f"--db: '{spec}' is not a vector store (no SQLite file, no ruvector collection there)")

    def _build(self, name: str, options: Mapping[str, Any], port: type, role: str) -> Any:
        try:
            adapter = self._plugins[name](options)
        except (UsageError, IntegrationError):
            raise
        except Exception as exc:  # a plugin that fails to load or to build
            raise IntegrationError(f"plugin '{name}' failed: {type(exc).__name__}: {exc}", integration=role) from exc
        return _checked(adapter, port, role, f"plugin '{name}'")


def _checked(adapter: Any, port: type, role: str, what: str) -> Any:
    if not isinstance(adapter, port):
        raise UsageError(f"{what} is not a {role}: {type(adapter).__name__} lacks the methods of {port.__name__}")
    return adapter


def _installed(plugins: Mapping[str, Factory]) -> str:
    names = sorted(n for n in plugins if n not in ("midstreamer", "ruvector", "agentic_robotics"))
    return f", or an installed plugin: {', '.join(names)}" if names else ""
