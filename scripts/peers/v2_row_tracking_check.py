"""Spark and delta-rs checks of V2 checkpoints and row tracking, for test/interop/v2CheckpointRowTracking.test.ts.

Usage: v2_row_tracking_check.py <our_table> <spark_table>
1. Creates <spark_table> with Spark (delta.enableRowTracking=true, three rows), prints "READY".
2. Waits for one line on stdin: the caller appends to <spark_table> with our engine meanwhile.
3. Prints one JSON object: what Spark sees of <our_table> (DESCRIBE DETAIL, count, row ids and row
   commit versions) and of <spark_table> (row ids after our append), and what delta-rs reads of both (ids, or its error).
One Spark session for everything: starting Spark is most of the cost.
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spark_session import start_spark  # noqa: E402


def main() -> None:
    our_table, spark_table = sys.argv[1], sys.argv[2]
    spark = start_spark("lakehouse-v2-row-tracking")
    spark.sql(
        f"CREATE TABLE delta.`{spark_table}` (id BIGINT) USING delta "
        "TBLPROPERTIES ('delta.enableRowTracking' = 'true')"
    )
    spark.sql(f"INSERT INTO delta.`{spark_table}` VALUES (100), (101), (102)")
    print("READY", flush=True)
    sys.stdin.readline()

    detail = spark.sql(f"DESCRIBE DETAIL delta.`{our_table}`").collect()[0].asDict()
    ours = spark.sql(
        f"SELECT id, _metadata.row_id AS row_id, _metadata.row_commit_version AS row_commit_version "
        f"FROM delta.`{our_table}` ORDER BY id"
    ).collect()
    theirs = spark.sql(
        f"SELECT id, _metadata.row_id AS row_id FROM delta.`{spark_table}` ORDER BY id"
    ).collect()

    from deltalake import DeltaTable

    def deltars_read(path: str) -> dict:
        try:
            return {"ids": sorted(DeltaTable(path).to_pyarrow_table().column("id").to_pylist())}
        except Exception as error:  # noqa: BLE001 - the message is the result (an unsupported feature)
            return {"error": str(error)}

    print(json.dumps({
        "detail": {
            "numFiles": detail["numFiles"],
            "tableFeatures": sorted(detail.get("tableFeatures") or []),
        },
        "count": spark.sql(f"SELECT count(*) FROM delta.`{our_table}`").collect()[0][0],
        "ourRows": [[r.id, r.row_id, r.row_commit_version] for r in ours],
        "sparkTableRows": [[r.id, r.row_id] for r in theirs],
        "deltarsOurs": deltars_read(our_table),
        "deltarsSparkTable": deltars_read(spark_table),
    }), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
