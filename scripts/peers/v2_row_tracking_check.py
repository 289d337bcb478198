"""Spark and delta-rs checks of V2 checkpoints and row tracking, for test/interop/v2CheckpointRowTracking.test.ts.

Usage: v2_row_tracking_check.py <our_table> <spark_table> <rewritten_table>
1. Creates <spark_table> with Spark (delta.enableRowTracking=true, three rows, one updated), prints "READY".
2. Waits for one line on stdin: the caller appends to and deletes from <spark_table> with our engine meanwhile.
3. Prints one JSON object: what Spark sees of <our_table> (DESCRIBE DETAIL, count, row ids and row
   commit versions) and of <spark_table> (row ids and commit versions after our append and delete), what delta-rs reads of both (ids, or its error),
   and, for every version after the first of <rewritten_table> (a row-tracking table we rewrote by
   DELETE, UPDATE, MERGE, OPTIMIZE and a keyed upsert), its rows with row ids and row commit versions
   and the operation; what delta-rs reads of it; and the commit tags and data file columns of
   Spark's own INSERT and UPDATE of <spark_table>, and of an insert-only MERGE Spark runs on it last.
One Spark session for everything: starting Spark is most of the cost.
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spark_session import start_spark  # noqa: E402


def main() -> None:
    our_table, spark_table, rewritten_table = sys.argv[1], sys.argv[2], sys.argv[3]
    spark = start_spark("lakehouse-v2-row-tracking")
    spark.sql(
        f"CREATE TABLE delta.`{spark_table}` (id BIGINT) USING delta "
        "TBLPROPERTIES ('delta.enableRowTracking' = 'true')"
    )
    # One file, so that the UPDATE below rewrites all three rows and our DELETE of 100 copies the others.
    spark.sql(f"INSERT INTO delta.`{spark_table}` SELECT /*+ REPARTITION(1) */ * FROM VALUES (100), (101), (102) AS v(id)")
    # Spark's copy-on-write UPDATE writes its materialized row id and commit version columns, which our rewrite must read.
    spark.sql(f"UPDATE delta.`{spark_table}` SET id = id WHERE id = 101")
    print("READY", flush=True)
    sys.stdin.readline()

    detail = spark.sql(f"DESCRIBE DETAIL delta.`{our_table}`").collect()[0].asDict()
    ours = spark.sql(
        f"SELECT id, _metadata.row_id AS row_id, _metadata.row_commit_version AS row_commit_version "
        f"FROM delta.`{our_table}` ORDER BY id"
    ).collect()
    theirs = spark.sql(
        f"SELECT id, _metadata.row_id AS row_id, _metadata.row_commit_version AS row_commit_version "
        f"FROM delta.`{spark_table}` ORDER BY id"
    ).collect()

    history = spark.sql(f"DESCRIBE HISTORY delta.`{rewritten_table}`").collect()
    operations = {r.version: r.operation for r in history}
    # One query over every version: each Spark job costs more than the rows it reads.
    versions = sorted(v for v in operations if v > 0)
    union = " UNION ALL ".join(
        f"SELECT {v} AS version, id, _metadata.row_id AS row_id, _metadata.row_commit_version AS row_commit_version "
        f"FROM delta.`{rewritten_table}` VERSION AS OF {v}"
        for v in versions
    )
    rewritten_rows = spark.sql(f"{union} ORDER BY version, id").collect()
    rewritten = [
        {
            "version": v,
            "operation": operations[v],
            "rows": [[r.id, r.row_id, r.row_commit_version] for r in rewritten_rows if r.version == v],
        }
        for v in versions
    ]

    def log_actions(table: str, version: int) -> list[dict]:
        with open(os.path.join(table, "_delta_log", f"{version:020d}.json"), encoding="utf-8") as log:
            return [json.loads(line) for line in log if line.strip()]

    def commit_tags(table: str, version: int):
        return next(a["commitInfo"].get("tags") for a in log_actions(table, version) if "commitInfo" in a)

    def file_columns(table: str, version: int) -> list[list[str]]:
        import pyarrow.parquet as pq

        paths = [a["add"]["path"] for a in log_actions(table, version) if "add" in a]
        return [pq.read_schema(os.path.join(table, path)).names for path in paths]

    from deltalake import DeltaTable

    def deltars_read(path: str) -> dict:
        try:
            return {"ids": sorted(DeltaTable(path).to_pyarrow_table().column("id").to_pylist())}
        except Exception as error:  # noqa: BLE001 - the message is the result (an unsupported feature)
            return {"error": str(error)}

    deltars_spark_table = deltars_read(spark_table)
    # After every read of <spark_table>: an insert-only MERGE (version 5), to compare its files with ours.
    spark.sql(
        f"MERGE INTO delta.`{spark_table}` t USING (SELECT /*+ REPARTITION(1) */ * FROM VALUES (104L), (105L) AS v(id)) s "
        "ON t.id = s.id WHEN NOT MATCHED THEN INSERT *"
    )

    print(json.dumps({
        "detail": {
            "numFiles": detail["numFiles"],
            "tableFeatures": sorted(detail.get("tableFeatures") or []),
        },
        "count": spark.sql(f"SELECT count(*) FROM delta.`{our_table}`").collect()[0][0],
        "ourRows": [[r.id, r.row_id, r.row_commit_version] for r in ours],
        "sparkTableRows": [[r.id, r.row_id, r.row_commit_version] for r in theirs],
        "deltarsOurs": deltars_read(our_table),
        "deltarsSparkTable": deltars_spark_table,
        "rewritten": rewritten,
        # Spark's own INSERT (version 1), UPDATE (version 2) and insert-only MERGE (version 5) of
        # <spark_table>: the tags and file columns it writes.
        "sparkCommits": [
            {"version": v, "tags": commit_tags(spark_table, v), "fileColumns": file_columns(spark_table, v)} for v in (1, 2, 5)
        ],
        "deltarsRewritten": deltars_read(rewritten_table),
    }), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
