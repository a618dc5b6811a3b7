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
from agentic_synth.adapters.integrations.ruvector_rvf import RvfVectorStore, is_rvf_db
from agentic_synth.adapters.integrations.sqlite_vectors import SqliteVectorStore, is_sqlite_file
from agentic_synth.adapters.integrations.workflows import InProcessWorkflowEngine
from agentic_synth.adapters.serialization import unstructure
from agentic_synth.domain.config.integrations import IntegrationsSettings, MidstreamerSettings, RuvectorSettings
from agentic_synth.domain.errors import IntegrationError, UsageError
from agentic_synth.domain.integrations.stream_targets import StreamTarget, is_stream_url
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

    def midstreamer(self, pipeline: str, *, strict: bool, reference: str | None = None) -> StreamPipeline:
        """The midstreamer plugin's pipeline; without the plugin, an error (strict) or a null pipeline."""
        if "midstreamer" not in self._plugins:
            reason = (f"no midstreamer pipeline plugin is installed (no 'midstreamer' entry point in group "
                      f"{ENTRY_POINT_GROUP}; see docs/integrations.md)")
            if strict:
                raise UsageError(f"--stream-to midstreamer compares the series as they are made with a reference: "
                                 f"add --reference FILE ({reason})")
            logger.warning("{}: records are not streamed", reason)
            return NullStreamPipeline(reason)
        options = {**self._section("midstreamer"), "pipeline": pipeline, "reference": reference}
        return self._build("midstreamer", options, StreamPipeline, "stream pipeline")

    def ruvector(self, path: str, *, strict: bool, embedder: Any = None, hnsw: bool = False) -> VectorStore:
        """ruvector at `path`: an installed `ruvector` entry point, else the built-in adapters of the PyPI package:
        an RVF store (vectors on disk; a new path, or an RVF file), or a Collection (HNSW in memory; `hnsw`,
        or a collection saved there before)."""
        if "ruvector" in self._plugins and not hnsw:
            return self._build("ruvector", {"dbPath": path, "embedder": embedder}, VectorStore, "vector store")
        if not ruvector_installed():
            reason = "the ruvector package is not installed (pip install 'agentic-synth[ruvector]')"
            if strict:
                raise UsageError(f"--vectorize-with ruvector: {reason}; or store locally with "
                                 "--vectorize-with local:PATH")
            logger.warning("{}: records are not vectorized", reason)
            return NullVectorStore(reason)
        chosen = default_embedder(embedder)
        store: RuvectorVectorStore | RvfVectorStore = (
            RuvectorVectorStore(path, chosen) if hnsw or is_ruvector_db(path) else RvfVectorStore(path, chosen))
        store.count()  # an unreadable store or another embedder's vectors fail now, before any output
        return store

    def open_stream(self, spec: str, *, reference: str | None = None) -> StreamPipeline:
        """`--stream-to NAME[:TARGET]` or a URL: redis://, nats://, http(s)://, midstreamer[:PIPELINE],
        jsonl:PATH (file, named pipe, '-'), stdout, a plugin."""
        if is_stream_url(spec):
            return open_url_stream(StreamTarget.from_spec(spec))
        name, target = split_spec(spec, "--stream-to")
        if name == "midstreamer":
            if "midstreamer" not in self._plugins and reference is not None:
                return rolling_similarity(reference, target)  # the built-in use of what midstreamer really does
            return self.midstreamer(target or self._pipeline_name(), strict=True, reference=reference)
        if name == "jsonl":
            return JsonlStreamPipeline(target or "")
        if name == "stdout":
            return JsonlStreamPipeline("-")
        if name in self._plugins:
            return self._build(name, {"target": target}, StreamPipeline, "stream pipeline")
        raise UsageError(f"--stream-to: unknown target '{name}' (use redis://HOST:PORT/STREAM, "
                         "nats://HOST:PORT/SUBJECT, http(s)://URL, midstreamer[:PIPELINE], jsonl:PATH, stdout"
                         f"{_installed(self._plugins)})")

    def open_store(self, spec: str, embedder: Any = None) -> VectorStore:
        """`--vectorize-with NAME[:PATH]`: ruvector[:PATH] (RVF), ruvector-hnsw[:PATH], local[:PATH] (SQLite),
        or a plugin."""
        name, path = split_spec(spec, "--vectorize-with")
        if name in ("ruvector", "ruvector-hnsw"):
            return self.ruvector(path or self.ruvector_path() or DEFAULT_RUVECTOR_DB,
                                 strict=True, embedder=embedder, hnsw=name == "ruvector-hnsw")
        if name == "local":
            store = SqliteVectorStore(path or DEFAULT_LOCAL_DB, default_embedder(embedder))
            store.count()  # not an SQLite file, or another embedder's vectors: fail before any output
            return store
        if name in self._plugins:
            return self._build(name, {"dbPath": path, "embedder": embedder}, VectorStore, "vector store")
        raise UsageError(f"--vectorize-with: unknown store '{name}' (use ruvector[:PATH], ruvector-hnsw[:PATH], "
                         "local[:PATH]"
                         f"{_installed(self._plugins)})")

    def open_db(self, spec: str, embedder: Any = None) -> VectorStore:
        """`vectors search --db [NAME:]PATH`: a path alone is recognised by its files (SQLite or ruvector)."""
        name, rest = split_spec(spec, "--db")
        if rest is not None and (name in ("ruvector", "ruvector-hnsw", "local") or name in self._plugins):
            return self.open_store(spec, embedder)
        if is_sqlite_file(spec):
            return self.open_store(f"local:{spec}", embedder)
        if is_ruvector_db(spec) or is_rvf_db(spec):
            return self.open_store(f"ruvector:{spec}", embedder)
        raise UsageError(f"--db: '{spec}' is not a vector store (no SQLite file, no ruvector store there)")

    def _build(self, name: str, options: Mapping[str, Any], port: type, role: str) -> Any:
        try:
            adapter = self._plugins[name](options)
        except (UsageError, IntegrationError):
            raise
        except Exception as exc:  # a plugin that fails to load or to build
            raise IntegrationError(f"plugin '{name}' failed: {type(exc).__name__}: {exc}", integration=role) from exc
        return _checked(adapter, port, role, f"plugin '{name}'")


def rolling_similarity(reference: str, target: str | None) -> StreamPipeline:
    """`--stream-to midstreamer[:WINDOW] --reference REF`: each window of each series compared with REF's, as made."""
    from agentic_synth.adapters.series_file import read_rows
    from agentic_synth.application.similarity import DEFAULT_WINDOW, RollingSimilarityPipeline, numeric_series
    from agentic_synth.entrypoints.temporal import temporal_analyzer

    if target is not None and not target.isdigit():
        raise UsageError(f"--stream-to midstreamer:{target}: with --reference the target is a window size in points "
                         f"(midstreamer:{DEFAULT_WINDOW}); pipeline names need a midstreamer plugin")
    series = numeric_series(read_rows(reference, "--reference"))
    if not series:
        raise UsageError(f"--reference: '{reference}' has no numeric column to compare with")
    analyzer, notice = temporal_analyzer()
    pipeline = RollingSimilarityPipeline(analyzer, series, window=int(target) if target else DEFAULT_WINDOW,
                                         label=reference)
    pipeline.notice = notice
    return pipeline


def open_url_stream(target: StreamTarget) -> StreamPipeline:
    """The built-in pipeline of a URL target (its module, and the redis or nats extra, load only when named)."""
    if target.scheme in ("redis", "rediss"):
        from agentic_synth.adapters.integrations.redis_stream import RedisStreamPipeline

        return RedisStreamPipeline(target)
    if target.scheme == "nats":
        from agentic_synth.adapters.integrations.nats_stream import NatsStreamPipeline

        return NatsStreamPipeline(target)
    from agentic_synth.adapters.integrations.http_stream import HttpStreamPipeline

    return HttpStreamPipeline(target)


def _checked(adapter: Any, port: type, role: str, what: str) -> Any:
    if not isinstance(adapter, port):
        raise UsageError(f"{what} is not a {role}: {type(adapter).__name__} lacks the methods of {port.__name__}")
    return adapter


def _installed(plugins: Mapping[str, Factory]) -> str:
    names = sorted(n for n in plugins if n not in ("midstreamer", "ruvector", "agentic_robotics"))
    return f", or an installed plugin: {', '.join(names)}" if names else ""
