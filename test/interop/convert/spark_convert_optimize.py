"""Spark side of test/interop/convertOptimizeSpark.test.ts, in one Spark session.

Usage: spark_convert_optimize.py <root>
1. Spark writes Parquet folders under <root>/parquet/<name> (flat with INT96 timestamps and
   decimals, Hive-partitioned with escaped and null values, nested with microsecond timestamps)
   and their rows as Spark reads the Parquet back, <root>/expected/<name>.ndjson; and a Delta
   table whose double column holds a NaN, <root>/nan_delta. Then it prints READY and waits.
2. After a line on stdin it reads every Delta table named in <root>/tables.json ({name: path})
   and writes <root>/spark/<name>.ndjson (or <name>.error), then prints DONE.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "peers"))
from canonical_rows import canonical_lines  # noqa: E402
from spark_session import start_spark  # noqa: E402

root = sys.argv[1]
spark = start_spark("lakehouse-convert-optimize")
from pyspark.sql import types as T  # noqa: E402

D = decimal.Decimal
UTC = dt.timezone.utc


def write_expected(name: str) -> None:
    rows = spark.read.parquet(os.path.join(root, "parquet", name)).toArrow()
    os.makedirs(os.path.join(root, "expected"), exist_ok=True)
    with open(os.path.join(root, "expected", f"{name}.ndjson"), "w") as out:
        out.write("".join(f"{line}\n" for line in canonical_lines(rows)))


flat_schema = T.StructType([
    T.StructField("id", T.LongType()), T.StructField("name", T.StringType()),
    T.StructField("amount", T.DecimalType(10, 2)), T.StructField("big", T.DecimalType(38, 10)),
    T.StructField("at", T.TimestampType()), T.StructField("day", T.DateType()), T.StructField("score", T.DoubleType()),
])
flat_rows = [
    (i, None if i % 7 == 0 else f"name-{i:03d}", D(i * 125) / 100, D(10) ** 27 + D(i) / 3 if i % 5 else None,
     dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=i * 3601, microseconds=i * 7),
     dt.date(2023, 12, 1) + dt.timedelta(days=i), float(i) / 4)
    for i in range(60)
]
# Spark's default Parquet timestamp type is INT96.
spark.createDataFrame(flat_rows, flat_schema).repartition(3, "id").write.parquet(os.path.join(root, "parquet", "flat"))

hive_schema = T.StructType([
    T.StructField("id", T.LongType()), T.StructField("v", T.StringType()),
    T.StructField("region", T.StringType()), T.StructField("year", T.IntegerType()),
])
regions = ["a/b", "x y", "c:d%e", "=eq", None, "plain"]
hive_rows = [(i, f"v{i}", regions[i % len(regions)], 2020 + i % 2) for i in range(48)]
spark.createDataFrame(hive_rows, hive_schema).coalesce(1).write.partitionBy("region", "year").parquet(os.path.join(root, "parquet", "hive"))

spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
nested_schema = T.StructType([
    T.StructField("id", T.LongType()),
    T.StructField("point", T.StructType([T.StructField("x", T.DoubleType()), T.StructField("label", T.StringType())])),
    T.StructField("tags", T.ArrayType(T.StringType())),
    T.StructField("attrs", T.MapType(T.StringType(), T.LongType())),
    T.StructField("at", T.TimestampType()),
    T.StructField("price", T.DecimalType(18, 4)),
])
nested_rows = [
    (i, None if i % 6 == 0 else (i * 1.5, f"p{i}"), [f"t{i}", None] if i % 4 else None, {"k": i, "m": -i} if i % 3 else {},
     dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC) + dt.timedelta(microseconds=i * 1001), D(i * 10001) / 10000)
    for i in range(30)
]
spark.createDataFrame(nested_rows, nested_schema).coalesce(2).write.parquet(os.path.join(root, "parquet", "nested"))

for name in ["flat", "hive", "nested"]:
    write_expected(name)

# Two files: one with a NaN (Spark's max statistic is then "NaN"), one without.
nan_schema = T.StructType([T.StructField("d", T.DoubleType())])
nan_path = os.path.join(root, "nan_delta")
spark.createDataFrame([(1.0,), (float("nan"),), (3.0,)], nan_schema).coalesce(1).write.format("delta").save(nan_path)
spark.createDataFrame([(10.0,), (20.0,)], nan_schema).coalesce(1).write.format("delta").mode("append").save(nan_path)

print("READY", flush=True)
sys.stdin.readline()

with open(os.path.join(root, "tables.json")) as f:
    tables = json.load(f)
out_dir = os.path.join(root, "spark")
os.makedirs(out_dir, exist_ok=True)
for name, path in tables.items():
    try:
        lines = canonical_lines(spark.read.format("delta").load(path).toArrow())
        with open(os.path.join(out_dir, f"{name}.ndjson"), "w") as out:
            out.write("".join(f"{line}\n" for line in lines))
    except Exception as error:  # a peer's failure is reported by the test, with its message
        with open(os.path.join(out_dir, f"{name}.error"), "w") as out:
            out.write(str(error))
print("DONE", flush=True)
spark.stop()
