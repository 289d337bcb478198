"""Writes the Spark side of the interop corpus: Delta tables made by Spark with delta-spark.

Usage: make_tables_spark.py <outdir>
Each table goes to <outdir>/<name>/ with a manifest <outdir>/<name>.json (see manifest.py).
One SparkSession makes every table: a JVM start costs far more than any table here. Data is given
as SQL literals (session time zone UTC) so values do not depend on the machine's time zone.
"""
from __future__ import annotations

import os
import sys
import time

from manifest import committed_versions, write_manifest
from spark_session import start_spark

PRODUCER = "spark"


class Corpus:
    def __init__(self, spark, outdir: str) -> None:
        self.spark = spark
        self.outdir = outdir

    def table(self, name: str) -> str:
        return f"delta.`{os.path.join(self.outdir, name)}`"

    def sql(self, *statements: str) -> None:
        for statement in statements:
            self.spark.sql(statement)

    def done(self, name: str, features: list[str], notes: str = "") -> None:
        write_manifest(self.outdir, name, PRODUCER, committed_versions(os.path.join(self.outdir, name)), features, notes)


def partitioned(c: Corpus) -> None:
    t = c.table("partitioned")
    c.sql(
        f"CREATE TABLE {t} (id BIGINT, region STRING, day DATE, amount DOUBLE) USING delta PARTITIONED BY (region, day)",
        f"""INSERT INTO {t} VALUES (1, 'a b/c=d%', DATE'2024-01-01', 1.5), (2, NULL, DATE'2024-01-02', 2.5),
            (3, 'plain', NULL, 3.5), (4, 'ümlaut', DATE'2024-01-01', NULL), (5, 'x:y#z', DATE'2024-01-03', 5.5)""",
        f"INSERT INTO {t} VALUES (6, 'a b/c=d%', DATE'2024-01-01', 6.5), (7, NULL, NULL, 7.5)",
        f"DELETE FROM {t} WHERE region = 'plain'",
        f"UPDATE {t} SET amount = -1 WHERE region IS NULL",
    )
    c.done("partitioned", ["partitioned", "partition-null", "partition-escaped", "partition-date", "delete", "update"])


def checkpoint_classic(c: Corpus) -> None:
    t = c.table("checkpoint_classic")
    c.sql(f"CREATE TABLE {t} (id BIGINT, label STRING) USING delta TBLPROPERTIES ('delta.checkpointInterval' = '5')")
    for i in range(12):
        c.sql(f"INSERT INTO {t} VALUES ({i}, 'row {i}')")
    c.sql(f"DELETE FROM {t} WHERE id = 3")
    c.done("checkpoint_classic", ["checkpoint", "checkpoint-interval", "time-travel", "delete"])


def checkpoint_multipart(c: Corpus) -> None:
    t = c.table("checkpoint_multipart")
    # partSize is the number of actions per checkpoint part: tiny so a small table gets many parts.
    c.spark.conf.set("spark.databricks.delta.checkpoint.partSize", "3")
    try:
        c.sql(f"CREATE TABLE {t} (id BIGINT, label STRING) USING delta TBLPROPERTIES ('delta.checkpointInterval' = '4')")
        c.spark.range(0, 80, 1, 8).selectExpr("id", "concat('bulk ', id) AS label").write.format("delta").mode("append").save(os.path.join(c.outdir, "checkpoint_multipart"))
        for i in range(100, 107):
            c.sql(f"INSERT INTO {t} VALUES ({i}, 'row {i}')")
        c.sql(f"DELETE FROM {t} WHERE id < 5")
    finally:
        c.spark.conf.unset("spark.databricks.delta.checkpoint.partSize")
    c.done("checkpoint_multipart", ["checkpoint", "checkpoint-multipart", "time-travel", "delete"])


def checkpoint_v2(c: Corpus, file_format: str) -> None:
    name = f"checkpoint_v2_{file_format}"
    t = c.table(name)
    c.spark.conf.set("spark.databricks.delta.checkpointV2.topLevelFileFormat", file_format)
    c.spark.conf.set("spark.databricks.delta.checkpoint.partSize", "3")
    try:
        c.sql(f"""CREATE TABLE {t} (id BIGINT, label STRING) USING delta
                  TBLPROPERTIES ('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = '3')""")
        c.spark.range(0, 40, 1, 4).selectExpr("id", "concat('bulk ', id) AS label").write.format("delta").mode("append").save(os.path.join(c.outdir, name))
        for i in range(100, 106):
            c.sql(f"INSERT INTO {t} VALUES ({i}, 'row {i}')")
        c.sql(f"DELETE FROM {t} WHERE id % 4 = 0")
    finally:
        c.spark.conf.unset("spark.databricks.delta.checkpointV2.topLevelFileFormat")
        c.spark.conf.unset("spark.databricks.delta.checkpoint.partSize")
    c.done(name, ["checkpoint", "checkpoint-v2", f"checkpoint-v2-{file_format}", "sidecars", "time-travel"])


def deletion_vectors(c: Corpus) -> None:
    t = c.table("deletion_vectors")
    c.sql(f"""CREATE TABLE {t} (id BIGINT, value STRING) USING delta
              TBLPROPERTIES ('delta.enableDeletionVectors' = 'true', 'delta.checkpointInterval' = '4')""")
    c.spark.range(0, 200, 1, 2).selectExpr("id", "concat('v', id) AS value").write.format("delta").mode("append").save(os.path.join(c.outdir, "deletion_vectors"))
    c.sql(
        f"DELETE FROM {t} WHERE id % 3 = 0",
        f"DELETE FROM {t} WHERE id % 5 = 0",
        f"UPDATE {t} SET value = 'updated' WHERE id < 20",
        f"""MERGE INTO {t} AS target USING (SELECT id, concat('m', id) AS value FROM range(190, 210)) AS source
            ON target.id = source.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *""",
        f"DELETE FROM {t} WHERE id BETWEEN 100 AND 110",
    )
    c.done("deletion_vectors", ["deletion-vectors", "deletion-vectors-in-checkpoint", "delete", "update", "merge", "time-travel"])


def column_mapping(c: Corpus, mode: str) -> None:
    name = f"column_mapping_{mode}"
    t = c.table(name)
    c.sql(
        f"""CREATE TABLE {t} (id BIGINT, name STRING, city STRING, info STRUCT<a: INT, b: STRING>) USING delta
            PARTITIONED BY (city) TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')""",
        f"INSERT INTO {t} VALUES (1, 'ann', 'oslo', named_struct('a', 1, 'b', 'x')), (2, 'bob', NULL, NULL)",
        f"ALTER TABLE {t} RENAME COLUMN name TO full_name",
        f"ALTER TABLE {t} RENAME COLUMN city TO town",
        f"ALTER TABLE {t} RENAME COLUMN info.a TO alpha",
        f"INSERT INTO {t} VALUES (3, 'cid', 'rome', named_struct('alpha', 3, 'b', 'z'))",
        f"ALTER TABLE {t} DROP COLUMN full_name",
        # Re-adding a dropped column's old logical name gets a new physical name: old data must not show.
        f"ALTER TABLE {t} ADD COLUMNS (name STRING)",
        f"INSERT INTO {t} (id, town, info, name) VALUES (4, 'oslo', named_struct('alpha', 4, 'b', 'w'), 'dan')",
    )
    c.done(name, ["column-mapping", f"column-mapping-{mode}", "rename-column", "rename-partition-column",
                  "rename-nested-field", "drop-column", "re-add-dropped-name", "partitioned"])


def types(c: Corpus) -> None:
    t = c.table("types")
    c.sql(
        f"""CREATE TABLE {t} (i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f32 FLOAT, f64 DOUBLE,
            dec_small DECIMAL(5, 2), dec_big DECIMAL(38, 10), flag BOOLEAN, text STRING, raw BINARY, day DATE,
            ts TIMESTAMP, ts_ntz TIMESTAMP_NTZ, point STRUCT<x: DOUBLE, y: STRUCT<z: STRING>>, nums ARRAY<BIGINT>,
            attrs MAP<STRING, INT>, items ARRAY<STRUCT<k: STRING, v: ARRAY<DOUBLE>>>) USING delta""",
        f"""INSERT INTO {t} VALUES
            (-128, -32768, -2147483648, -4611686018427387911, 0.1F, 0.1, 12.30, 12345678901234567890.1234567890, true,
             'héllo', X'0001FF', DATE'1970-01-01', TIMESTAMP'2024-02-29 23:59:59.123456',
             TIMESTAMP_NTZ'2024-02-29 23:59:59.123456', named_struct('x', 1.0D, 'y', named_struct('z', 'deep')),
             array(1L, 2L, NULL), map('a', 1, 'b', NULL), array(named_struct('k', 'a', 'v', array(1.5D)))),
            (0, 1, 2, 9007199254740991, CAST('NaN' AS FLOAT), CAST('-Infinity' AS DOUBLE), -0.01, -1, false, '', X'',
             DATE'1900-12-31', TIMESTAMP'1969-12-31 23:59:59.999999', NULL, NULL, array(), map(), NULL),
            (127, 32767, 2147483647, 4611686018427387911, CAST('Infinity' AS FLOAT), -0.0D, 999.99, 0, NULL,
             'tab\tquote"', NULL, DATE'2038-01-20', NULL, TIMESTAMP_NTZ'1900-01-01 00:00:00.000001',
             named_struct('x', CAST(NULL AS DOUBLE), 'y', CAST(NULL AS STRUCT<z: STRING>)), NULL, NULL,
             array(named_struct('k', CAST(NULL AS STRING), 'v', CAST(NULL AS ARRAY<DOUBLE>)))),
            (NULL, NULL, NULL, NULL, NULL, 1e300D, NULL, NULL, true, NULL, X'616263', NULL,
             TIMESTAMP'2000-01-01 00:00:00', TIMESTAMP_NTZ'2100-06-15 12:00:00',
             named_struct('x', 2.0D, 'y', named_struct('z', CAST(NULL AS STRING))), array(3L), map('c', 3), array())""",
    )
    c.done("types", ["int8", "int16", "int32", "int64-unsafe", "float-special", "decimal", "boolean", "string", "binary",
                     "date", "timestamp", "timestamp_ntz", "struct-nested", "array", "map", "array-of-struct"])


def type_widening(c: Corpus) -> None:
    t = c.table("type_widening")
    c.sql(
        f"""CREATE TABLE {t} (b TINYINT, s SMALLINT, i INT, f FLOAT, d DECIMAL(5, 2), day DATE) USING delta
            TBLPROPERTIES ('delta.enableTypeWidening' = 'true', 'delta.feature.timestampNtz' = 'supported')""",
        f"INSERT INTO {t} VALUES (1, 2, 3, 1.5, 123.45, DATE'2024-05-06')",
        f"ALTER TABLE {t} ALTER COLUMN b TYPE INT",
        f"ALTER TABLE {t} ALTER COLUMN s TYPE BIGINT",
        f"ALTER TABLE {t} ALTER COLUMN i TYPE BIGINT",
        f"ALTER TABLE {t} ALTER COLUMN f TYPE DOUBLE",
        f"ALTER TABLE {t} ALTER COLUMN d TYPE DECIMAL(10, 4)",
        f"ALTER TABLE {t} ALTER COLUMN day TYPE TIMESTAMP_NTZ",
        f"INSERT INTO {t} VALUES (100000, 9000000000, 9000000000, 0.1D, 123456.7891, TIMESTAMP_NTZ'2024-05-07 08:09:10')",
    )
    c.done("type_widening", ["type-widening", "type-widening-integer", "type-widening-float", "type-widening-decimal",
                             "type-widening-date-to-timestamp_ntz"])


def change_data_feed(c: Corpus) -> None:
    t = c.table("change_data_feed")
    c.sql(
        f"""CREATE TABLE {t} (id BIGINT, value STRING) USING delta
            TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'delta.enableDeletionVectors' = 'false')""",
        f"INSERT INTO {t} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')",
        f"UPDATE {t} SET value = 'B' WHERE id = 2",
        f"DELETE FROM {t} WHERE id = 3",
        f"""MERGE INTO {t} AS target USING (SELECT * FROM VALUES (4, 'D'), (5, 'e') AS s(id, value)) AS source
            ON target.id = source.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *""",
    )
    c.done("change_data_feed", ["change-data-feed", "cdc-files-ignored", "update", "delete", "merge"])


def dml_history(c: Corpus) -> None:
    t = c.table("dml_history")
    c.sql(
        f"""CREATE TABLE {t} (id BIGINT, value BIGINT, name STRING) USING delta
            TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')""",
        f"INSERT INTO {t} SELECT id, id, concat('n', id) FROM range(0, 50)",
        f"UPDATE {t} SET value = value * 2 WHERE id < 10",
        f"DELETE FROM {t} WHERE id % 7 = 0",
        f"""MERGE INTO {t} AS target USING (SELECT * FROM VALUES (1L, -1L, 'm1'), (2L, 0L, 'drop'), (500L, 500L, 'new')
            AS s(id, value, name)) AS source ON target.id = source.id
            WHEN MATCHED AND source.name = 'drop' THEN DELETE
            WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *""",
        f"INSERT OVERWRITE {t} SELECT id, id, 'overwritten' FROM range(1000, 1003)",
        f"RESTORE TABLE {t} TO VERSION AS OF 3",
        f"OPTIMIZE {t}",
    )
    c.done("dml_history", ["update", "delete", "merge", "overwrite", "restore", "optimize", "time-travel"])


def make_all(spark, outdir: str) -> None:
    outdir = os.path.abspath(outdir)
    os.makedirs(outdir, exist_ok=True)
    corpus = Corpus(spark, outdir)
    makers = [
        partitioned, checkpoint_classic, checkpoint_multipart, lambda c: checkpoint_v2(c, "json"),
        lambda c: checkpoint_v2(c, "parquet"), deletion_vectors, lambda c: column_mapping(c, "name"),
        lambda c: column_mapping(c, "id"), types, type_widening, change_data_feed, dml_history,
    ]
    for index, make in enumerate(makers, 1):
        started = time.monotonic()
        make(corpus)
        print(f"spark table {index}/{len(makers)}: {time.monotonic() - started:.1f}s", file=sys.stderr)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_tables_spark.py <outdir>")
    spark = start_spark("lakehouse-interop-tables")
    try:
        make_all(spark, sys.argv[1])
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
