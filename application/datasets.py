"""The dataset use case: tables parents first into one sink, committed together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from agentic_synth.domain.dataset.model import Table
from agentic_synth.domain.dataset.results import DatasetMetadata, TableRun
from agentic_synth.domain.errors import Interrupted
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.ports import Clock, DatasetSink

TableStream = tuple[Table, int, Iterator[RecordChunk]]
Progress = Callable[[int], None]


class GenerateDataset:
    """Writes each table's chunks to the sink's writer for it; commits once at the end, aborts on any failure.

    A failure, an interrupt or a kill leaves the destination as it was: files are moved in only at
    commit, and a database commits its one transaction only then.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def run(self, tables: Iterable[TableStream], sink: DatasetSink, meta: DatasetMetadata, *,
            progress: Progress | None = None) -> DatasetMetadata:
        started = self._clock.monotonic()
        try:
            for table, _count, chunks in tables:
                self._write(table, chunks, sink, meta, progress)
            sink.commit()
        except KeyboardInterrupt:
            sink.abort()
            raise Interrupted("interrupted; no table written (the destination is as it was)") from None
        except BaseException:
            sink.abort()
            raise
        meta.seconds = self._clock.monotonic() - started
        return meta

    def _write(self, table: Table, chunks: Iterator[RecordChunk], sink: DatasetSink, meta: DatasetMetadata,
               progress: Progress | None) -> None:
        run = meta.tables.setdefault(table.name, TableRun())
        started = self._clock.monotonic()
        writer = sink.table(table)
        try:
            for chunk in chunks:
                writer.write(chunk)
                run.rows += chunk.length
                if progress is not None:
                    progress(chunk.length)
                del chunk
            writer.close()
        except BaseException:
            writer.abort()
            raise
        run.seconds = self._clock.monotonic() - started
