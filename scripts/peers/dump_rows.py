"""Prints a Delta table's rows, as read by a peer engine, in our canonical NDJSON contract.

Usage:
  dump_rows.py <deltars|spark> <table> [--version N]
  dump_rows.py <deltars|spark> --all <tables-dir> --out <dumps-dir> [--all <tables-dir> --out <dumps-dir>]...
The second form reads every table and version listed in the manifests of each <tables-dir> with
one engine instance (a Spark start costs seconds) and writes <dumps-dir>/<name>/v<N>.ndjson, or
v<N>.error with the engine's message when the engine cannot read that version: a peer's
limitation is recorded, not fatal, so the tests can say which reader failed on what.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

import pyarrow as pa

from canonical_rows import canonical_lines
from manifest import read_manifests

Reader = Callable[[str, "int | None"], pa.Table]


def deltars_reader() -> Reader:
    from deltalake import DeltaTable, QueryBuilder

    def read(path: str, version: int | None) -> pa.Table:
        table = DeltaTable(path, version=version)
        # The DataFusion scan is delta-rs' fullest reader (to_pyarrow_table refuses more features).
        rows = pa.table(QueryBuilder().register("t", table).execute("SELECT * FROM t").read_all())
        return rows.select([field.name for field in table.schema().fields])

    return read


def spark_reader(spark=None) -> Reader:
    if spark is None:
        from spark_session import start_spark

        spark = start_spark("lakehouse-dump")

    def read(path: str, version: int | None) -> pa.Table:
        frame = spark.read.format("delta")
        if version is not None:
            frame = frame.option("versionAsOf", version)
        return frame.load(path).toArrow()

    return read


READERS = {"deltars": deltars_reader, "spark": spark_reader}


def dump_all(read: Reader, tables_dir: str, out_dir: str) -> None:
    for manifest in read_manifests(tables_dir):
        table_path = os.path.join(tables_dir, manifest["path"])
        target = os.path.join(out_dir, manifest["name"])
        os.makedirs(target, exist_ok=True)
        for version in manifest["versions"]:
            try:
                text = "".join(line + "\n" for line in canonical_lines(read(table_path, version)))
                suffix = "ndjson"
            except Exception as error:  # noqa: BLE001 - any reader failure is data for the tests
                text = f"{type(error).__name__}: {error}\n"
                suffix = "error"
            with open(os.path.join(target, f"v{version}.{suffix}"), "w", encoding="utf-8") as out:
                out.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("engine", choices=sorted(READERS))
    parser.add_argument("table", nargs="?")
    parser.add_argument("--version", type=int)
    parser.add_argument("--all", dest="tables_dirs", action="append", default=[])
    parser.add_argument("--out", dest="out_dirs", action="append", default=[])
    args = parser.parse_args()
    if (args.table is None) == (not args.tables_dirs) or len(args.tables_dirs) != len(args.out_dirs):
        parser.error("give either <table> or pairs of --all <tables-dir> --out <dumps-dir>")
    read = READERS[args.engine]()
    if args.tables_dirs:
        for tables_dir, out_dir in zip(args.tables_dirs, args.out_dirs):
            dump_all(read, tables_dir, out_dir)
        return
    for line in canonical_lines(read(args.table, args.version)):
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
