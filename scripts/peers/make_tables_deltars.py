"""Writes the delta-rs side of the interop corpus: Delta tables made by `deltalake` (delta-rs).

Usage: make_tables_deltars.py <outdir>
Each table goes to <outdir>/<name>/ with a manifest <outdir>/<name>.json (see manifest.py).
Data is deterministic (no random, no wall-clock values) so dumps are comparable across runs.
delta-rs cannot write deletion vectors (its DELETE rewrites files), so DVs come from Spark only.
"""
from __future__ import annotations

import datetime as dt
import decimal
import os
import sys

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from manifest import committed_versions, write_manifest

PRODUCER = "deltars"


def partitioned(outdir: str) -> None:
    path = os.path.join(outdir, "partitioned")
    # Partition values that need escaping in paths, a null partition and a non-ASCII one.
    regions = ["a b/c=d%", None, "plain", "ümlaut", "x:y#z"]
    schema = pa.schema([("id", pa.int64()), ("region", pa.string()), ("day", pa.date32()), ("amount", pa.float64())])
    def batch(start: int, count: int) -> pa.Table:
        ids = list(range(start, start + count))
        return pa.table({
            "id": ids,
            "region": [regions[i % len(regions)] for i in ids],
            "day": [dt.date(2024, 1, 1 + i % 3) if i % 11 else None for i in ids],
            "amount": [i * 1.5 for i in ids],
        }, schema=schema)
    write_deltalake(path, batch(0, 40), partition_by=["region", "day"])
    write_deltalake(path, batch(40, 20), partition_by=["region", "day"], mode="append")
    DeltaTable(path).delete("region = 'plain'")
    DeltaTable(path).delete("region IS NULL AND id > 30")
    write_manifest(outdir, "partitioned", PRODUCER, committed_versions(path),
                   ["partitioned", "partition-null", "partition-escaped", "partition-date", "delete"])


def many_commits(outdir: str) -> None:
    path = os.path.join(outdir, "many_commits")
    schema = pa.schema([("id", pa.int64()), ("label", pa.string())])
    config = {"delta.checkpointInterval": "25"}
    write_deltalake(path, pa.table({"id": [0], "label": ["row 0"]}, schema=schema), configuration=config)
    for i in range(1, 250):
        write_deltalake(path, pa.table({"id": [i], "label": [f"row {i}"]}, schema=schema), mode="append")
        if i == 120:
            DeltaTable(path).delete("id % 10 = 0")
    DeltaTable(path).create_checkpoint()
    write_manifest(outdir, "many_commits", PRODUCER, [0, 1, 23, 24, 25, 48, 49, 50, 120, 121, 122, 124, 125, 200, 249, 250],
                   ["many-commits", "checkpoint", "checkpoint-interval", "delete", "time-travel"])


def schema_evolution(outdir: str) -> None:
    path = os.path.join(outdir, "schema_evolution")
    write_deltalake(path, pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["a", "b"]}))
    write_deltalake(path, pa.table({"id": pa.array([3], pa.int64()), "name": ["c"], "score": [0.5]}),
                    mode="append", schema_mode="merge")
    write_deltalake(path, pa.table({
        "id": pa.array([4], pa.int64()),
        "tags": pa.array([["x", "y"]], pa.list_(pa.string())),
        "info": pa.array([{"k": 1}], pa.struct([("k", pa.int32())])),
    }), mode="append", schema_mode="merge")
    write_deltalake(path, pa.table({"id": pa.array([10, 11], pa.int64()), "extra": ["e1", "e2"]}),
                    mode="overwrite", schema_mode="overwrite")
    write_manifest(outdir, "schema_evolution", PRODUCER, committed_versions(path),
                   ["schema-evolution-merge", "schema-overwrite", "missing-columns-null", "overwrite"])


def types(outdir: str) -> None:
    path = os.path.join(outdir, "types")
    big = 2**62 + 7
    utc = dt.timezone.utc
    table = pa.table({
        "i8": pa.array([-128, 0, 127, None], pa.int8()),
        "i16": pa.array([-32768, 1, 32767, None], pa.int16()),
        "i32": pa.array([-(2**31), 2, 2**31 - 1, None], pa.int32()),
        "i64": pa.array([-big, 2**53 - 1, big, None], pa.int64()),
        "f32": pa.array([0.1, float("nan"), float("inf"), None], pa.float32()),
        "f64": pa.array([0.1, float("-inf"), -0.0, 1e300], pa.float64()),
        "dec_small": pa.array([decimal.Decimal("12.30"), decimal.Decimal("-0.01"), decimal.Decimal("999.99"), None], pa.decimal128(5, 2)),
        "dec_big": pa.array([decimal.Decimal("12345678901234567890.1234567890"), decimal.Decimal("-1"), decimal.Decimal("0"), None], pa.decimal128(38, 10)),
        "flag": pa.array([True, False, None, True]),
        "text": pa.array(["héllo", "", "tab\tquote\"", None]),
        "raw": pa.array([b"\x00\x01\xff", b"", None, b"abc"], pa.binary()),
        "day": pa.array([dt.date(1970, 1, 1), dt.date(1900, 12, 31), dt.date(2038, 1, 20), None], pa.date32()),
        "ts": pa.array([dt.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=utc), dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=utc), None, dt.datetime(2000, 1, 1, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
        "ts_ntz": pa.array([dt.datetime(2024, 2, 29, 23, 59, 59, 123456), None, dt.datetime(1900, 1, 1, 0, 0, 0, 1), dt.datetime(2100, 6, 15, 12)], pa.timestamp("us")),
        "point": pa.array([{"x": 1.0, "y": {"z": "deep"}}, None, {"x": None, "y": None}, {"x": 2.0, "y": {"z": None}}],
                          pa.struct([("x", pa.float64()), ("y", pa.struct([("z", pa.string())]))])),
        "nums": pa.array([[1, 2, None], [], None, [3]], pa.list_(pa.int64())),
        "attrs": pa.array([[("a", 1), ("b", None)], [], None, [("c", 3)]], pa.map_(pa.string(), pa.int32())),
        "items": pa.array([[{"k": "a", "v": [1.5]}], None, [{"k": None, "v": None}], []],
                          pa.list_(pa.struct([("k", pa.string()), ("v", pa.list_(pa.float64()))]))),
    })
    write_deltalake(path, table)
    write_manifest(outdir, "types", PRODUCER, [0],
                   ["int8", "int16", "int32", "int64-unsafe", "float-special", "decimal", "boolean", "string", "binary",
                    "date", "timestamp", "timestamp_ntz", "struct-nested", "array", "map", "array-of-struct"])


def dml(outdir: str) -> None:
    path = os.path.join(outdir, "dml")
    schema = pa.schema([("id", pa.int64()), ("value", pa.int64()), ("name", pa.string())])
    write_deltalake(path, pa.table({"id": range(100), "value": range(100), "name": [f"n{i}" for i in range(100)]}, schema=schema))
    write_deltalake(path, pa.table({"id": range(100, 150), "value": range(100, 150), "name": [f"n{i}" for i in range(100, 150)]}, schema=schema), mode="append")
    DeltaTable(path).delete("id % 7 = 0")
    DeltaTable(path).update(predicate="id < 10", updates={"value": "value * 2", "name": "'updated'"})
    source = pa.table({"id": [1, 2, 500, 501], "value": [-1, -2, 500, 501], "name": ["m1", "m2", "new500", "new501"]}, schema=schema)
    (DeltaTable(path).merge(source, predicate="t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_update_all().when_not_matched_insert_all().execute())
    write_deltalake(path, pa.table({"id": [600], "value": [600], "name": ["small file"]}, schema=schema), mode="append")
    DeltaTable(path).optimize.compact()
    write_deltalake(path, pa.table({"id": [1000, 1001], "value": [1, 2], "name": ["over", "written"]}, schema=schema), mode="overwrite")
    write_deltalake(path, pa.table({"id": [1002], "value": [3], "name": ["after"]}, schema=schema), mode="append")
    write_deltalake(path, pa.table({"id": [1001], "value": [99], "name": ["replaced"]}, schema=schema), mode="overwrite", predicate="id = 1001")
    write_manifest(outdir, "dml", PRODUCER, committed_versions(path),
                   ["append", "delete", "update", "merge", "optimize", "overwrite", "overwrite-predicate", "time-travel"])


def make_all(outdir: str) -> None:
    os.makedirs(outdir, exist_ok=True)
    for make in (partitioned, many_commits, schema_evolution, types, dml):
        make(outdir)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_tables_deltars.py <outdir>")
    make_all(sys.argv[1])


if __name__ == "__main__":
    main()
