"""Builds the whole interop corpus in one process: both peers' tables and both peers' dumps.

Usage: build_corpus.py <root>
Writes <root>/tables/<producer>/<name>/ with manifests <root>/tables/<producer>/<name>.json, and
<root>/dumps/<reader>/<producer>/<name>/v<N>.ndjson (or .error). One JVM serves both making and
reading the tables: Spark's start and JIT warm-up cost more than most of the work itself.
"""
from __future__ import annotations

import os
import sys
import time

import make_tables_deltars
import make_tables_spark
from dump_rows import deltars_reader, dump_all, spark_reader
from spark_session import start_spark

PEERS = ("deltars", "spark")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: build_corpus.py <root>")
    root = sys.argv[1]
    tables = {producer: os.path.join(root, "tables", producer) for producer in PEERS}
    started = time.monotonic()
    make_tables_deltars.make_all(tables["deltars"])
    spark = start_spark("lakehouse-interop-corpus")
    try:
        make_tables_spark.make_all(spark, tables["spark"])
        readers = {"deltars": deltars_reader(), "spark": spark_reader(spark)}
        for reader_name, read in readers.items():
            for producer in PEERS:
                dump_all(read, tables[producer], os.path.join(root, "dumps", reader_name, producer))
                print(f"{reader_name} read {producer} tables: {time.monotonic() - started:.0f}s", file=sys.stderr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
