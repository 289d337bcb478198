"""pyarrow and delta-rs side of bench/convert.ts.

Usage:
  python bench/convertPeer.py generate <dir> <files>   Hive-partitioned Parquet files written by pyarrow
  python bench/convertPeer.py convert <dir>            delta-rs convert_to_deltalake, timed in this process
  python bench/convertPeer.py compare <a> <b>          whether delta-rs reads the same rows from both tables
"""
import json
import os
import resource
import sys
import time

PARTITIONS = 10
ROWS_PER_FILE = 100


def generate(root: str, files: int) -> None:
    # Imported here, not at the top: the convert command's peak RSS must not include a pyarrow that
    # delta-rs's conversion does not load.
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    for f in range(files):
        part = os.path.join(root, f"day=2024-01-{1 + f % PARTITIONS:02d}")
        os.makedirs(part, exist_ok=True)
        first = f * ROWS_PER_FILE
        ids = list(range(first, first + ROWS_PER_FILE))
        table = pa.table({
            "id": pa.array(ids, pa.int64()),
            "x": pa.array([(i * 7919) % 1_000_003 / 3.0 for i in ids], pa.float64()),
            "name": pa.array([None if i % 17 == 0 else f"name-{i:08d}" for i in ids], pa.string()),
            "at": pa.array([1_700_000_000_000_000 + i * 1_000_000 for i in ids], pa.timestamp("us", tz="UTC")),
            "amount": pa.array([Decimal(i * 25).scaleb(-2) for i in ids], pa.decimal128(18, 2)),
        })
        pq.write_table(table, os.path.join(part, f"part-{f:05d}.parquet"))


def convert(root: str) -> None:
    from deltalake import Field, Schema, convert_to_deltalake

    usage = resource.getrusage(resource.RUSAGE_SELF)
    baseline = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    convert_to_deltalake(root, partition_by=Schema([Field("day", "string")]), partition_strategy="hive")
    ms = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"ms": ms, "cpuMs": (after.ru_utime + after.ru_stime - cpu) * 1000, "baselineKiB": baseline, "peakKiB": after.ru_maxrss,
                      "pyarrowLoaded": "pyarrow" in sys.modules}))


def compare(a: str, b: str) -> None:
    from deltalake import DeltaTable

    keys = [("id", "ascending")]
    left = DeltaTable(a).to_pyarrow_table().sort_by(keys)
    right = DeltaTable(b).to_pyarrow_table().sort_by(keys)
    right = right.select(left.column_names).cast(left.schema)
    print(json.dumps({"rows": [left.num_rows, right.num_rows], "equal": left.equals(right)}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
    elif command == "convert":
        convert(sys.argv[2])
    elif command == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
