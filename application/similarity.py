"""How alike generated series are to a reference: whole series and windows (validate), or rolling while generating."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk
from agentic_synth.domain.integrations.temporal import TemporalMetrics
from agentic_synth.domain.ports import TemporalAnalyzer

SERIES_COLUMN = "series"
DEFAULT_WINDOW = 100
SeriesKey = tuple[Any, str]  # (the value of the series column or None, the numeric column)


def numeric_series(rows: Iterable[Mapping[str, Any]],
                   series_column: str = SERIES_COLUMN) -> dict[SeriesKey, list[float]]:
    """Each numeric column of each series (rows grouped by `series_column` when they have it), in row order."""
    out: dict[SeriesKey, list[float]] = {}
    for row in rows:
        group = row.get(series_column)
        for name, value in row.items():
            if name == series_column or isinstance(value, bool) or not isinstance(value, int | float):
                continue
            out.setdefault((group, name), []).append(float(value))
    return out


def pair_with_reference(data: Mapping[SeriesKey, list[float]], reference: Mapping[SeriesKey, list[float]],
                        what: str) -> list[tuple[SeriesKey, SeriesKey]]:
    """Each data series with its reference: the same series and column, else the reference's single series of
    that column. A data file with no column in common with the reference is a usage error."""
    by_column: dict[str, list[SeriesKey]] = {}
    for key in reference:
        by_column.setdefault(key[1], []).append(key)
    pairs = []
    for key in data:
        if key in reference:
            pairs.append((key, key))
        elif len(by_column.get(key[1], [])) == 1:
            pairs.append((key, by_column[key[1]][0]))
    if not pairs:
        raise UsageError(f"{what}: no numeric column in common with the reference "
                         f"(data: {', '.join(sorted({k[1] for k in data})) or 'none'}; "
                         f"reference: {', '.join(sorted(by_column)) or 'none'})")
    return pairs


@attrs.frozen
class SeriesSimilarity:
    """One series compared with its reference: as a whole, and window by window (aligned by position)."""

    series: Any
    column: str
    reference: Any
    whole: TemporalMetrics | None
    windows: tuple[TemporalMetrics, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"series": self.series, "column": self.column, "reference_series": self.reference,
                "whole": None if self.whole is None else self.whole.to_dict(),
                "windows": [w.to_dict() for w in self.windows]}


def compare(analyzer: TemporalAnalyzer, data: Mapping[SeriesKey, list[float]],
            reference: Mapping[SeriesKey, list[float]], *, window: int | None,
            what: str = "data") -> list[SeriesSimilarity]:
    """Every data series against its reference: whole (both series in full) and per window of `window` points."""
    if window is not None and window < 1:
        raise UsageError(f"--window must be a whole number >= 1, got {window}")
    results = []
    for key, ref_key in pair_with_reference(data, reference, what):
        series, ref = data[key], reference[ref_key]
        windows = tuple(analyzer.analyze(series[i:i + window], ref[i:i + window])
                        for i in range(0, min(len(series), len(ref)), window)) if window else ()
        results.append(SeriesSimilarity(series=key[0], column=key[1], reference=ref_key[0],
                                        whole=analyzer.analyze(series, ref), windows=windows))
    return results


class RollingSimilarityPipeline:
    """A stream pipeline (`--stream-to midstreamer --reference REF`): as the series are generated, each full
    window of `window` points is compared with the reference's window at the same position.

    `report()` gives, per series and column, the windows compared, their mean and last similarity and
    mean DTW per point (for the run's metadata). The series beyond the reference's length are not
    compared; nothing is kept but the current window of each series.
    """

    def __init__(self, analyzer: TemporalAnalyzer, reference: Mapping[SeriesKey, list[float]], *,
                 window: int = DEFAULT_WINDOW, label: str = "midstreamer") -> None:
        if window < 1:
            raise UsageError(f"--stream-to midstreamer: the window must be >= 1 point, got {window}")
        self.analyzer, self.reference, self.window, self.label = analyzer, dict(reference), window, label
        self.notice: str | None = None  # why the analyzer is not midstreamer itself, for the run's notes
        self._pending: dict[SeriesKey, list[float]] = {}
        self._offset: dict[SeriesKey, int] = {}
        self._pairs: dict[SeriesKey, SeriesKey | None] = {}
        self._done: dict[SeriesKey, list[TemporalMetrics]] = {}

    def is_available(self) -> bool:
        return True

    def send(self, chunk: RecordChunk) -> None:
        for key, values in numeric_series(chunk.rows()).items():
            ref_key = self._pairs[key] if key in self._pairs else self._pair(key)
            if ref_key is None:
                continue
            buffer = self._pending.setdefault(key, [])
            buffer.extend(values)
            while len(buffer) >= self.window:
                self._compare(key, ref_key, buffer[:self.window])
                del buffer[:self.window]

    def close(self) -> None:
        for key, buffer in self._pending.items():  # the last, shorter window
            ref_key = self._pairs.get(key)
            if buffer and ref_key is not None:
                self._compare(key, ref_key, buffer)
        self._pending = {}
        self.analyzer.close()

    def report(self) -> dict[str, Any]:
        series = []
        for (group, column), windows in self._done.items():
            if not windows:
                continue
            series.append({"series": group, "column": column, "windows": len(windows),
                           "mean_similarity": sum(w.similarity for w in windows) / len(windows),
                           "last_similarity": windows[-1].similarity,
                           "mean_dtw_per_point": sum(w.dtw_per_point for w in windows) / len(windows)})
        return {"reference": self.label, "analyzer": self.analyzer.name, "window": self.window, "series": series}

    def _pair(self, key: SeriesKey) -> SeriesKey | None:
        """The same series of the reference, else its only series of that column, else none (not compared)."""
        candidates = [k for k in self.reference if k[1] == key[1]]
        self._pairs[key] = key if key in self.reference else candidates[0] if len(candidates) == 1 else None
        return self._pairs[key]

    def _compare(self, key: SeriesKey, ref_key: SeriesKey, values: Sequence[float]) -> None:
        start = self._offset.get(key, 0)
        ref = self.reference[ref_key][start:start + len(values)]
        self._offset[key] = start + len(values)
        if ref:
            self._done.setdefault(key, []).append(self.analyzer.analyze(values[:len(ref)], ref))
