"""Reads a list of Delta tables with both peers in one process and prints what each one saw.

Usage: peer_reads.py <request.json>
The request lists tables: {"tables": [{"name", "path", "versions": [N...], "history": bool,
"changes": [[from, to]...], "queries": [{"key", "startingVersion" | "startingTimestamp",
"endingVersion" | "endingTimestamp"}...], "deltars": bool}]}; queries are read by Spark only.
Spark (one session for everything: a start costs
tens of seconds) dumps the rows of every listed version, DESCRIBE HISTORY when asked and the
Change Data Feed of every range; delta-rs, when asked, reads the same versions and ranges
(load_cdf). Output on stdout, one JSON object:
  {name: {"spark": {"rows": {"N": [lines] | {"error": text}}, "history": [...], "changes": {"a-b": ...},
                     "queries": {key: [lines] | {"error": text}}},
          "deltars": {...same without history...}}}
Rows are canonical NDJSON lines (canonical_rows.py). A reader's failure is recorded, not fatal.
This script lives below scripts/peers so that editing it does not change the interop corpus key
(which hashes the corpus scripts in scripts/peers itself).
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pyarrow as pa  # noqa: E402

from canonical_rows import canonical_lines  # noqa: E402
from spark_session import start_spark  # noqa: E402

CHANGE_COLUMNS = ["_change_type", "_commit_version", "_commit_timestamp"]


def attempt(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception as error:  # noqa: BLE001 - a peer's refusal is data for the test
        return {"error": f"{type(error).__name__}: {str(error)[:2000]}"}


def with_change_columns_last(table: pa.Table) -> pa.Table:
    data = [name for name in table.column_names if name not in CHANGE_COLUMNS]
    return table.select(data + CHANGE_COLUMNS)


def spark_history(spark, path: str) -> list[dict]:
    rows = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").collect()
    return sorted(
        (
            {
                "version": row["version"],
                "operation": row["operation"],
                "operationParameters": dict(row["operationParameters"] or {}),
                "operationMetrics": dict(row["operationMetrics"] or {}),
                "readVersion": row["readVersion"],
                "isBlindAppend": row["isBlindAppend"],
                "engineInfo": row["engineInfo"],
            }
            for row in rows
        ),
        key=lambda entry: entry["version"],
    )


def read_with_spark(tables: list[dict]) -> dict:
    started = time.monotonic()
    spark = start_spark("lakehouse-peer-reads")
    print(f"spark started in {time.monotonic() - started:.1f}s", file=sys.stderr)
    out: dict = {}
    try:
        for table in tables:
            path = table["path"]
            began = time.monotonic()

            def rows(version: int) -> list[str]:
                return canonical_lines(spark.read.format("delta").option("versionAsOf", version).load(path).toArrow())

            def changes(start: int, end: int) -> list[str]:
                frame = (spark.read.format("delta").option("readChangeFeed", "true")
                         .option("startingVersion", start).option("endingVersion", end).load(path))
                return canonical_lines(with_change_columns_last(frame.toArrow()))

            def query(options: dict) -> list[str]:
                reader = spark.read.format("delta").option("readChangeFeed", "true")
                for name, value in options.items():
                    if name != "key":
                        reader = reader.option(name, value)
                return canonical_lines(with_change_columns_last(reader.load(path).toArrow()))

            result = {
                "rows": {str(v): attempt(lambda v=v: rows(v)) for v in table["versions"]},
                "changes": {f"{a}-{b}": attempt(lambda a=a, b=b: changes(a, b)) for a, b in table.get("changes", [])},
                "queries": {q["key"]: attempt(lambda q=q: query(q)) for q in table.get("queries", [])},
            }
            if table.get("history"):
                result["history"] = attempt(lambda: spark_history(spark, path))
            out[table["name"]] = result
            print(f"spark read {table['name']}: {time.monotonic() - began:.1f}s", file=sys.stderr)
    finally:
        spark.stop()
    return out


def read_with_deltars(tables: list[dict]) -> dict:
    from deltalake import DeltaTable, QueryBuilder

    def rows(path: str, version: int) -> list[str]:
        table = DeltaTable(path, version=version)
        data = pa.table(QueryBuilder().register("t", table).execute("SELECT * FROM t").read_all())
        return canonical_lines(data.select([field.name for field in table.schema().fields]))

    def changes(path: str, start: int, end: int) -> list[str]:
        data = pa.table(DeltaTable(path).load_cdf(starting_version=start, ending_version=end).read_all())
        return canonical_lines(with_change_columns_last(data))

    out: dict = {}
    for table in tables:
        if not table.get("deltars"):
            continue
        path = table["path"]
        out[table["name"]] = {
            "rows": {str(v): attempt(lambda v=v: rows(path, v)) for v in table["versions"]},
            "changes": {f"{a}-{b}": attempt(lambda a=a, b=b: changes(path, a, b)) for a, b in table.get("changes", [])},
        }
    return out


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: peer_reads.py <request.json>")
    with open(sys.argv[1], encoding="utf-8") as source:
        tables = json.load(source)["tables"]
    deltars = read_with_deltars(tables)
    spark = read_with_spark(tables)
    result = {t["name"]: {"spark": spark[t["name"]], **({"deltars": deltars[t["name"]]} if t["name"] in deltars else {})} for t in tables}
    json.dump(result, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
