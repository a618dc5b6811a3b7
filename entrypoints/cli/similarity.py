"""`agentic-synth validate --reference REF DATA`: DTW/LCS similarity of each series to the reference's, per window."""

from __future__ import annotations

import click
import orjson

from agentic_synth.adapters.series_file import read_rows
from agentic_synth.application.similarity import SeriesSimilarity, compare, numeric_series
from agentic_synth.domain.errors import DataValidationError, UsageError
from agentic_synth.entrypoints.temporal import temporal_analyzer


def report_similarity(console: object, reference: str, data_file: str | None, *, window: int | None, analyzer: str,
                      series_column: str, as_json: bool, min_similarity: float | None) -> None:
    """Compare DATA's series with REF's, print the report (a table, or one JSON document), enforce the minimum."""
    if data_file is None:
        raise UsageError("--reference: name the data file to compare: validate --reference REF.csv DATA")
    ref = numeric_series(read_rows(reference, "--reference"), series_column)
    data = numeric_series(read_rows(data_file, "data file"), series_column)
    chosen, notice = temporal_analyzer(analyzer)
    if notice:
        console.info(notice)  # type: ignore[attr-defined]
    try:
        results = compare(chosen, data, ref, window=window, what=data_file)
    finally:
        chosen.close()
    if as_json:
        click.echo(orjson.dumps({"analyzer": chosen.name, "reference": reference, "data": data_file,
                                 "window": window, "series": [r.to_dict() for r in results]}).decode())
    else:
        _table(results, chosen.name)
    low = [r for r in results if min_similarity is not None and r.whole is not None
           and r.whole.similarity < min_similarity]
    if low:
        names = ", ".join(f"{_name(r)} {r.whole.similarity:.4f}" for r in low if r.whole is not None)
        raise DataValidationError(f"{data_file}: {len(low)} series below --min-similarity {min_similarity}: {names}")


def _name(result: SeriesSimilarity) -> str:
    return result.column if result.series is None else f"{result.column}[{result.series}]"


def _table(results: list[SeriesSimilarity], analyzer: str) -> None:
    click.echo(f"{'series':<24} {'points':>7} {'similarity':>10} {'dtw/point':>10} {'lcs':>6} {'windows':>8}  "
               f"window similarity (min..max)   [{analyzer}]")
    for r in results:
        assert r.whole is not None
        spread = (f"{min(w.similarity for w in r.windows):.4f}..{max(w.similarity for w in r.windows):.4f}"
                  if r.windows else "-")
        click.echo(f"{_name(r):<24} {r.whole.length:>7} {r.whole.similarity:>10.4f} {r.whole.dtw_per_point:>10.4f} "
                   f"{r.whole.lcs_ratio:>6.3f} {len(r.windows):>8}  {spread}")
