"""The physical limit for Parquet: the 13-field user schema with numpy, handed to pyarrow as buffers.

    python benchmarks/reference_parquet.py --count 1000000 --out /tmp/ref.parquet

Prints {"wall": s, "cpu": s} for the work after imports. Columns come from reference_draws.py; no
Python object is made per value: strings are Arrow arrays over byte buffers and offsets (vocabulary
picks are `take`s, emails are joined by pyarrow.compute), timestamps and dates are integer buffers.
Written as agentic-synth writes Parquet: zstd, dictionary encoding for the small-vocabulary columns,
one row group per 131,072 records.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from reference_draws import CHUNK, NAMES, PLANS, TAGS, Vocab, draw

ROW_GROUP = 16 * CHUNK
DICTIONARY = ["first_name", "last_name", "plan", "city", "tags"]


def strings(data: bytes | np.ndarray, offsets: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(data), bitmap)


def emails(c: dict, first: pa.Array, last: pa.Array, domains: pa.Array) -> pa.Array:
    a, b = first.take(c["first"]), last.take(c["last"])
    k = pc.cast(pa.array(c["number"]), pa.string())
    local = pc.choose(pa.array(c["style"].astype(np.int8)), pc.binary_join_element_wise(a, b, "."),
                      pc.binary_join_element_wise(pc.utf8_slice_codeunits(a, 0, 1), b, ""),
                      pc.binary_join_element_wise(a, b, k, ""), pc.binary_join_element_wise(a, "_", b, k, ""))
    return pc.binary_join_element_wise(local, domains.take(c["domain"]), "@")


def batch(rng: np.random.Generator, v: Vocab, arrays: dict[str, pa.Array], n: int) -> pa.RecordBatch:
    c = draw(rng, v, n)
    phone = np.frombuffer(c["phone"], dtype=np.uint8)
    ends = np.append(np.flatnonzero(phone == 0x1F), len(phone))
    phone_offsets = np.concatenate([[0], ends - np.arange(len(ends))])
    columns = [
        strings(c["id"], np.arange(0, 36 * n + 1, 36)),
        arrays["first"].take(c["first"]), arrays["last"].take(c["last"]),
        emails(c, arrays["first_folded"], arrays["last_folded"], arrays["domains"]),
        pa.array(c["age"]), pa.array(c["score"]), arrays["plans"].take(c["plan"]), pa.array(c["active"]),
        pa.array(c["created_at"] * 1_000_000, pa.timestamp("us", tz="UTC")),
        pa.array(c["birthday"].astype(np.int32), pa.date32()),
        arrays["cities"].take(c["city"]),
        strings(phone[phone != 0x1F], phone_offsets, ~c["phone_null"]),
        pa.ListArray.from_arrays(c["tag_offsets"], arrays["tags"].take(c["tags"])),
    ]
    return pa.RecordBatch.from_arrays(columns, names=list(NAMES))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    rng, v = np.random.default_rng(args.seed), Vocab()
    arrays = {name: pa.array(getattr(v, name).tolist(), pa.string())
              for name in ("first", "last", "first_folded", "last_folded", "domains", "cities")}
    arrays.update(plans=pa.array(PLANS.tolist()), tags=pa.array(TAGS.tolist()))
    writer, pending = None, []
    for offset in range(0, args.count, CHUNK):
        pending.append(batch(rng, v, arrays, min(CHUNK, args.count - offset)))
        if writer is None:
            writer = pq.ParquetWriter(args.out, pending[0].schema, compression="zstd", use_dictionary=DICTIONARY)
        if sum(b.num_rows for b in pending) >= ROW_GROUP or offset + CHUNK >= args.count:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=ROW_GROUP)
            pending = []
    if writer is not None:
        writer.close()
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
