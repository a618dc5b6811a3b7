"""RecordKeeper: keeps valid, new records up to the count, with constant-size hashes for every duplicate check.

A record is a duplicate when it equals one already kept, or shares the value of a unique field with
one; both checks hold 8-byte digests, never the records or values themselves, so memory per kept record
is the same whatever its size. The same digests per field give the distinct-value ratio of each field
(reported in the run's metadata).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from agentic_synth.application.sanitize import clean_model_record
from agentic_synth.domain.schema.schema import Schema
from agentic_synth.domain.schema.validation import validate_record


def digest(value: Any) -> int:
    """An 8-byte content hash of a JSON-like value (key order does not matter)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


class RecordKeeper:
    """Counts what it drops: invalid records, duplicates, and records beyond the count (surplus)."""

    def __init__(self, schema: Schema, count: int) -> None:
        self.schema = schema
        self.count = count
        self.kept = self.invalid = self.duplicates = self.surplus = 0
        self._exact: set[int] = set()
        self._unique: dict[str, set[int]] = {f.name: set() for f in schema.fields if f.unique}
        self._distinct: dict[str, set[int]] = {f.name: set() for f in schema.fields}
        self._lock = threading.Lock()

    @property
    def full(self) -> bool:
        return self.kept >= self.count

    def take(self, records: Sequence[Any]) -> list[dict[str, Any]]:
        """The records worth keeping (free text cleaned, application/sanitize.py), in order; counts the rest."""
        out: list[dict[str, Any]] = []
        with self._lock:
            for raw in records:
                record = clean_model_record(raw, self.schema)
                if self.kept >= self.count:
                    self.surplus += 1
                elif not isinstance(record, Mapping) or validate_record(record, self.schema):
                    self.invalid += 1
                elif self._is_duplicate(record):
                    self.duplicates += 1
                else:
                    out.append(self._ordered(record))
                    self.kept += 1
        return out

    def _ordered(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The record in the schema's field order (fields the model left out stay out)."""
        row = {name: record[name] for name in self.schema.names if name in record}
        for name, seen in self._distinct.items():
            seen.add(digest(row.get(name)))
        return row

    def _is_duplicate(self, record: Mapping[str, Any]) -> bool:
        exact = digest(record)
        uniques = {name: digest(record[name]) for name in self._unique if record.get(name) is not None}
        if exact in self._exact or any(h in self._unique[name] for name, h in uniques.items()):
            return True
        self._exact.add(exact)
        for name, h in uniques.items():
            self._unique[name].add(h)
        return False

    def distinct_ratios(self) -> dict[str, float]:
        """Distinct values ÷ kept records, per field (1.0: every record has its own value)."""
        with self._lock:
            if not self.kept:
                return {}
            return {name: round(len(seen) / self.kept, 4) for name, seen in self._distinct.items()}
