"""The physical limit for Parquet (and CSV): the 13-field user schema with numpy, handed to pyarrow as buffers.

    python benchmarks/reference_parquet.py --count 1000000 --out /tmp/ref.parquet
    python benchmarks/reference_parquet.py --count 1000000 --out /tmp/ref.csv --csv   # pyarrow's CSV writer

Prints {"wall": s, "cpu": s} for the work after imports. Columns come from reference_draws.py; no
Python object is made per value: strings are Arrow arrays over byte buffers and offsets (vocabulary
picks are `take`s, emails are joined by pyarrow.compute), timestamps and dates are integer buffers.
Written as agentic-synth writes Parquet: zstd, dictionary encoding for the small-vocabulary columns,
a row group whenever the waiting batches hold 8 MiB of Arrow memory. Fixed-width columns are wrapped
with `from_buffers`, not `pa.array` (which imports pandas when it is installed). With --csv the same
batches go to pyarrow's CSV writer (its own formats: no formula protection, timestamps as pyarrow writes
them), the limit for a columnar CSV writer.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from reference_draws import CHUNK, NAMES, PLANS, TAGS, Vocab, draw

ROW_GROUP_BYTES = 8 << 20
DICTIONARY = ["first_name", "last_name", "plan", "city", "tags"]


def strings(data: bytes | np.ndarray, offsets: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(data), bitmap)


def fixed(typ: pa.DataType, data: np.ndarray) -> pa.Array:
    return pa.Array.from_buffers(typ, len(data), [None, pa.py_buffer(np.ascontiguousarray(data))])


def ix(indices: np.ndarray) -> pa.Array:
    return fixed(pa.int64(), indices.astype(np.int64, copy=False))


def text_array(values: list[str]) -> pa.Array:
    encoded = [v.encode() for v in values]
    return strings(b"".join(encoded), np.concatenate([[0], np.cumsum([len(e) for e in encoded])]))


def const(text: str, n: int) -> pa.Array:
    """n copies of a text (pa.scalar, like pa.array, imports pandas)."""
    raw = text.encode()
    return strings(raw * n, np.arange(0, len(raw) * n + 1, max(len(raw), 1)) if raw else np.zeros(n + 1, np.int64))


def emails(c: dict, first: pa.Array, last: pa.Array, domains: pa.Array) -> pa.Array:
    a, b = first.take(ix(c["first"])), last.take(ix(c["last"]))
    n = len(a)
    k = pc.cast(fixed(pa.int64(), c["number"]), pa.string())
    dot, none, under = const(".", n), const("", n), const("_", n)
    local = pc.choose(fixed(pa.int8(), c["style"].astype(np.int8)), pc.binary_join_element_wise(a, b, dot),
                      pc.binary_join_element_wise(pc.utf8_slice_codeunits(a, 0, 1), b, none),
                      pc.binary_join_element_wise(a, b, k, none), pc.binary_join_element_wise(a, under, b, k, none))
    return pc.binary_join_element_wise(local, domains.take(ix(c["domain"])), const("@", n))


def batch(rng: np.random.Generator, v: Vocab, arrays: dict[str, pa.Array], n: int) -> pa.RecordBatch:
    c = draw(rng, v, n)
    phone = np.frombuffer(c["phone"], dtype=np.uint8)
    ends = np.append(np.flatnonzero(phone == 0x1F), len(phone))
    phone_offsets = np.concatenate([[0], ends - np.arange(len(ends))])
    columns = [
        strings(c["id"], np.arange(0, 36 * n + 1, 36)),
        arrays["first"].take(ix(c["first"])), arrays["last"].take(ix(c["last"])),
        emails(c, arrays["first_folded"], arrays["last_folded"], arrays["domains"]),
        fixed(pa.int64(), c["age"]), fixed(pa.float64(), c["score"]), arrays["plans"].take(ix(c["plan"])),
        pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(c["active"], bitorder="little"))]),
        fixed(pa.timestamp("us", tz="UTC"), c["created_at"] * 1_000_000),
        fixed(pa.date32(), c["birthday"].astype(np.int32)),
        arrays["cities"].take(ix(c["city"])),
        strings(phone[phone != 0x1F], phone_offsets, ~c["phone_null"]),
        pa.ListArray.from_arrays(fixed(pa.int32(), c["tag_offsets"]), arrays["tags"].take(ix(c["tags"]))),
    ]
    return pa.RecordBatch.from_arrays(columns, names=list(NAMES))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--csv", action="store_true", help="write CSV with pyarrow's CSV writer instead")
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    rng, v = np.random.default_rng(args.seed), Vocab()
    arrays = {name: text_array(getattr(v, name).tolist())
              for name in ("first", "last", "first_folded", "last_folded", "domains", "cities")}
    arrays.update(plans=text_array(PLANS.tolist()), tags=text_array(TAGS.tolist()))
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    pending: list[pa.RecordBatch] = []
    for offset in range(0, args.count, CHUNK):
        pending.append(batch(rng, v, arrays, min(CHUNK, args.count - offset)))
        if args.csv:  # pyarrow's CSV writer takes no lists: the tags as JSON text, as ours writes them
            b = pending[-1]
            tags = b.column("tags")
            n = len(tags)
            text = pc.binary_join_element_wise(const('["', n), pc.binary_join(tags, const('","', n)), const('"]', n),
                                               const("", n))
            empty = pc.equal(pc.list_value_length(tags), fixed(pa.int32(), np.zeros(n, np.int32)))
            text = pc.if_else(empty, const("[]", n), text)
            pending[-1] = pa.RecordBatch.from_arrays([*b.columns[:-1], text], names=list(NAMES))
        if writer is None:
            writer = (pacsv.CSVWriter(args.out, pending[0].schema) if args.csv else
                      pq.ParquetWriter(args.out, pending[0].schema, compression="zstd", use_dictionary=DICTIONARY))
        if args.csv or sum(b.nbytes for b in pending) >= ROW_GROUP_BYTES or offset + CHUNK >= args.count:
            table = pa.Table.from_batches(pending)
            writer.write_table(table) if args.csv else writer.write_table(table, row_group_size=table.num_rows)
            pending = []
    if writer is not None:
        writer.close()
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
