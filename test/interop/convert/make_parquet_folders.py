"""Writes Parquet folders with pyarrow for the CONVERT interop tests, and their rows as pyarrow reads them.

Usage: make_parquet_folders.py <out-dir>
Creates <out-dir>/<name>/ (the folder to convert) and <out-dir>/<name>.expected.ndjson (canonical rows
of the folder read as a Hive-partitioned pyarrow dataset) for each case below.
"""
from __future__ import annotations

import datetime as dt
import decimal
import os
import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "peers"))
from canonical_rows import canonical_lines  # noqa: E402

UTC = dt.timezone.utc


def flat_table(offset: int, rows: int) -> pa.Table:
    ids = list(range(offset, offset + rows))
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "small": pa.array([i % 100 - 50 for i in ids], pa.int8()),
        "name": pa.array([None if i % 7 == 0 else f"name-{i:05d}" for i in ids]),
        "long_text": pa.array(["x" * 40 + str(i) for i in ids]),
        "price": pa.array([decimal.Decimal(i) / 100 - 5 for i in ids], pa.decimal128(9, 2)),
        "big": pa.array([decimal.Decimal(str((10**30 + i) * (1 if i % 2 else -1))) for i in ids], pa.decimal128(38, 0)),
        "ratio": pa.array([float(i) / 3 for i in ids]),
        "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in ids]),
        "at": pa.array([dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=i, microseconds=7) for i in ids], pa.timestamp("us", tz="UTC")),
        "local": pa.array([dt.datetime(2023, 6, 1) + dt.timedelta(minutes=i) for i in ids], pa.timestamp("ms")),
        "flag": pa.array([i % 3 == 0 for i in ids]),
    })


def nested_table() -> pa.Table:
    return pa.table({
        "id": pa.array([1, 2, 3, 4], pa.int32()),
        "address": pa.array([
            {"city": "Lyon", "zip": 69001, "geo": {"lat": 45.75, "lon": 4.85}},
            None,
            {"city": None, "zip": 75001, "geo": None},
            {"city": "Köln", "zip": None, "geo": {"lat": 50.9, "lon": 6.9}},
        ]),
        "tags": pa.array([["a", "b"], [], None, ["c", None]], pa.list_(pa.string())),
        "scores": pa.array([{"x": 1}, None, {}, {"y": 2, "z": None}], pa.map_(pa.string(), pa.int64())),
        "events": pa.array([[{"kind": "click", "n": 1}], None, [], [{"kind": None, "n": 2}, {"kind": "view", "n": 3}]]),
    })


def as_delta_timestamps(table: pa.Table) -> pa.Table:
    """Timestamps as Delta holds them: microseconds (these nanosecond values are whole microseconds),
    and INT96 ones, which pyarrow reads without a zone, as the UTC instants Spark writes them as."""
    fields = [f.with_type(pa.timestamp("us", tz=f.type.tz or "UTC")) if pa.types.is_timestamp(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields))


def write_cases(out: str) -> None:
    flat = os.path.join(out, "flat")
    os.makedirs(flat)
    # Several files of several row groups each: stats are aggregated over row groups.
    for part in range(3):
        pq.write_table(flat_table(part * 100, 100), os.path.join(flat, f"part-{part:05d}.parquet"), row_group_size=30)
    open(os.path.join(flat, "_SUCCESS"), "w").close()
    open(os.path.join(flat, ".hidden-notes"), "w").close()

    partitioned = os.path.join(out, "partitioned")
    table = flat_table(0, 60).append_column("year", pa.array([2020 + i % 3 for i in range(60)], pa.int32()))
    table = table.append_column("region", pa.array([["eu", "us/west", "a:b c%d", None][i % 4] for i in range(60)]))
    pq.write_to_dataset(table, partitioned, partition_cols=["year", "region"])

    nested = os.path.join(out, "nested")
    os.makedirs(nested)
    pq.write_table(nested_table(), os.path.join(nested, "nested.parquet"))
    # The same data in the layout older writers used (Spark's legacy format: lists of "element"s
    # named differently, decimals as fixed-length byte arrays).
    pq.write_table(nested_table(), os.path.join(nested, "legacy.parquet"), use_compliant_nested_type=False)

    # What Spark and older writers produce: INT96 timestamps, decimals stored as INT32/INT64,
    # nanosecond timestamps, and unsigned integers.
    legacy = os.path.join(out, "legacy")
    os.makedirs(legacy)
    legacy_table = pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "at96": pa.array([dt.datetime(1999, 12, 31, 23, 59, 59, 999999), dt.datetime(2024, 2, 29, 12, 0, 0, 1), None], pa.timestamp("us")),
        "ns": pa.array([1_000, 1_700_000_000_123_456_000, None], pa.timestamp("ns", tz="UTC")),
        "small_dec": pa.array([decimal.Decimal("1.23"), decimal.Decimal("-9.99"), None], pa.decimal128(3, 2)),
        "mid_dec": pa.array([decimal.Decimal("123456789012.345678"), decimal.Decimal("-0.000001"), None], pa.decimal128(18, 6)),
        "u16": pa.array([0, 65535, None], pa.uint16()),
        "u32": pa.array([0, 4294967295, None], pa.uint32()),
    })
    pq.write_table(legacy_table, os.path.join(legacy, "spark-like.parquet"), use_deprecated_int96_timestamps=True,
                   store_decimal_as_integer=True, coerce_timestamps=None, version="2.6")
    # TIMESTAMP(NANOS), which Spark cannot read: converting it in place is refused.
    nanos_dir = os.path.join(out, "nanos")
    os.makedirs(nanos_dir)
    nanos = pa.table({"id": pa.array([4], pa.int64()), "ns": pa.array([1_600_000_000_000_001_000], pa.timestamp("ns", tz="UTC"))})
    pq.write_table(nanos, os.path.join(nanos_dir, "nanos.parquet"), coerce_timestamps=None, version="2.6")

    widened = os.path.join(out, "widened")
    os.makedirs(widened)
    pq.write_table(pa.table({"v": pa.array([1, 2], pa.int32()), "f": pa.array([1.5, 2.5], pa.float32())}), os.path.join(widened, "a.parquet"))
    pq.write_table(pa.table({"v": pa.array([2**40], pa.int64()), "f": pa.array([0.1], pa.float64()), "extra": ["x"]}), os.path.join(widened, "b.parquet"))

    for name in ["flat", "partitioned", "nested", "legacy", "widened"]:
        path = os.path.join(out, name)
        if name in ("widened", "legacy"):
            files = sorted(f for f in os.listdir(path) if f.endswith(".parquet"))
            rows = pa.concat_tables([as_delta_timestamps(pq.read_table(os.path.join(path, f))) for f in files], promote_options="permissive")
        else:
            partitioning = ds.HivePartitioning.discover(infer_dictionary=False) if name == "partitioned" else None
            rows = ds.dataset(path, format="parquet", partitioning=partitioning).to_table()
        with open(os.path.join(out, f"{name}.expected.ndjson"), "w", encoding="utf-8") as target:
            target.writelines(line + "\n" for line in canonical_lines(rows))


if __name__ == "__main__":
    write_cases(sys.argv[1])
